// Certificates for TLS tests, made at test time with the openssl command
// (no key is ever committed): a CA, server certificates for 127.0.0.1 and
// localhost, and client certificates with a URI SAN (a SPIFFE id) and a
// common name. Keys are unencrypted P-256; everything lives in the
// directory given (a TempDir) and is valid for two days.
#ifndef RAPPORT_TESTS_COMMON_TEST_CERTS_H_
#define RAPPORT_TESTS_COMMON_TEST_CERTS_H_

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace rapport::testing {

// A certificate and its key, as files.
struct CertFiles {
  std::string cert;
  std::string key;
};

class TestCa {
 public:
  // Creates <dir>/ca.pem and <dir>/ca.key. INTERNAL when openssl fails.
  static absl::StatusOr<TestCa> Create(const std::string& dir,
                                       const std::string& name = "ca") {
    TestCa ca(dir, name);
    const CertFiles& files = ca.files_;
    if (!Run(absl::StrCat(
            "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
            "-nodes -days 2 -subj '/CN=Rapport test CA ",
            name, "' -addext 'basicConstraints=critical,CA:TRUE' ",
            "-addext 'keyUsage=critical,keyCertSign,cRLSign' -keyout '",
            files.key, "' -out '", files.cert, "'"))) {
      return absl::InternalError("openssl could not make the test CA");
    }
    return ca;
  }

  // The CA certificate (PEM file).
  const std::string& cert_file() const { return files_.cert; }

  // A server certificate for IP:127.0.0.1 and DNS:localhost with common
  // name `common_name`, as <dir>/<name>.pem and <dir>/<name>.key.
  absl::StatusOr<CertFiles> MakeServerCert(
      const std::string& name, const std::string& common_name) const {
    return Sign(name, common_name,
                "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                "extendedKeyUsage=serverAuth\n");
  }

  // A client certificate with URI SAN `uri` (e.g. spiffe://acme.test/crm)
  // and common name `common_name`.
  absl::StatusOr<CertFiles> MakeClientCert(
      const std::string& name, const std::string& uri,
      const std::string& common_name) const {
    return Sign(name, common_name,
                absl::StrCat("subjectAltName=URI:", uri,
                             "\nextendedKeyUsage=clientAuth\n"));
  }

 private:
  TestCa(const std::string& dir, const std::string& name)
      : dir_(dir), files_{Path(dir, name + ".pem"), Path(dir, name + ".key")} {}

  static std::string Path(const std::string& dir, const std::string& file) {
    return (std::filesystem::path(dir) / file).string();
  }

  static bool Run(const std::string& command) {
    return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
  }

  absl::StatusOr<CertFiles> Sign(const std::string& name,
                                 const std::string& common_name,
                                 const std::string& extensions) const {
    CertFiles out{Path(dir_, name + ".pem"), Path(dir_, name + ".key")};
    const std::string csr = Path(dir_, name + ".csr");
    const std::string ext = Path(dir_, name + ".ext");
    {
      std::ofstream file(ext);
      file << "basicConstraints=critical,CA:FALSE\n"
           << "keyUsage=critical,digitalSignature\n"
           << extensions;
      if (!file) return absl::InternalError("cannot write " + ext);
    }
    if (!Run(absl::StrCat(
            "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
            "-nodes -subj '/CN=",
            common_name, "' -keyout '", out.key, "' -out '", csr, "'")) ||
        !Run(absl::StrCat("openssl x509 -req -days 2 -in '", csr, "' -CA '",
                          files_.cert, "' -CAkey '", files_.key,
                          "' -CAcreateserial -CAserial '",
                          Path(dir_, "serial.txt"), "' -extfile '", ext,
                          "' -out '", out.cert, "'"))) {
      return absl::InternalError(
          absl::StrCat("openssl could not make the certificate ", name));
    }
    return out;
  }

  std::string dir_;
  CertFiles files_;
};

// What most TLS tests start from: a CA, a server certificate (common name
// `server_cn`) and a client certificate (URI SAN spiffe://acme.test/crm,
// common name crm), under `dir`.
struct TestPki {
  std::unique_ptr<TestCa> ca;
  CertFiles server;
  CertFiles client;

  static absl::StatusOr<TestPki> Create(const std::string& dir,
                                        const std::string& server_cn) {
    absl::StatusOr<TestCa> ca = TestCa::Create(dir);
    if (!ca.ok()) return ca.status();
    TestPki pki;
    pki.ca = std::make_unique<TestCa>(*std::move(ca));
    absl::StatusOr<CertFiles> server =
        pki.ca->MakeServerCert("server", server_cn);
    if (!server.ok()) return server.status();
    pki.server = *std::move(server);
    absl::StatusOr<CertFiles> client =
        pki.ca->MakeClientCert("client", "spiffe://acme.test/crm", "crm");
    if (!client.ok()) return client.status();
    pki.client = *std::move(client);
    return pki;
  }
};

// Replaces `target`'s files with `source`'s the way cert-manager does:
// copies to new files beside them, then renames each over the old one.
inline absl::Status ReplaceCertFiles(const CertFiles& source,
                                     const CertFiles& target) {
  std::error_code error;
  for (const auto& [from, to] : {std::pair{source.key, target.key},
                                 std::pair{source.cert, target.cert}}) {
    const std::string staged = to + ".new";
    std::filesystem::copy_file(
        from, staged, std::filesystem::copy_options::overwrite_existing, error);
    if (!error) std::filesystem::rename(staged, to, error);
    if (error) return absl::InternalError(error.message());
  }
  return absl::OkStatus();
}

}  // namespace rapport::testing

#endif  // RAPPORT_TESTS_COMMON_TEST_CERTS_H_
