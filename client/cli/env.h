// What every command runs with: the server connection, the streams, and the
// output mode.
#ifndef RAPPORT_CLIENT_CLI_ENV_H_
#define RAPPORT_CLIENT_CLI_ENV_H_

#include "client/cli/client.h"
#include "client/cli/io.h"

namespace rapport::cli {

struct Env {
  Client& client;
  Io& io;
  // Print responses in the proto3 JSON mapping, one object per line.
  bool json = false;
};

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_ENV_H_
