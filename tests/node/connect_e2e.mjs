// The API over the Connect protocol from Node.js, end to end: generates the
// client code from proto/ with buf and protoc-gen-es (into --out_dir, a
// build directory; never committed), starts the real rapportd on loopback
// with authentication on, and calls it with @connectrpc/connect-node over
// HTTP/1.1: unary calls, the client-streaming IngestEvents, and a
// ConnectError for a bad request.
//
//   node tests/node/connect_e2e.mjs --rapportd PATH --proto_dir DIR \
//       --out_dir DIR
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";

const here = path.dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    rapportd: { type: "string" },
    proto_dir: { type: "string" },
    out_dir: { type: "string" },
  },
});
for (const name of ["rapportd", "proto_dir", "out_dir"]) {
  if (!args[name]) throw new Error(`--${name} is required`);
}

// Generates the TS/JS client code into out_dir/gen; the generated modules
// find @bufbuild/protobuf through a node_modules link to tests/node's.
function generate(outDir) {
  const gen = path.join(outDir, "gen");
  fs.rmSync(gen, { recursive: true, force: true });
  fs.mkdirSync(gen, { recursive: true });
  // The generated .js files are ES modules; Node.js before 22 only knows
  // so from the nearest package.json.
  fs.writeFileSync(path.join(gen, "package.json"), '{"type": "module"}\n');
  const link = path.join(outDir, "node_modules");
  fs.rmSync(link, { force: true, recursive: true });
  fs.symlinkSync(path.join(here, "node_modules"), link, "dir");
  const template = JSON.stringify({
    version: "v2",
    plugins: [{
      local: path.join(here, "node_modules/.bin/protoc-gen-es"),
      out: gen,
      opt: ["target=js+dts", "import_extension=js"],
    }],
  });
  const buf = spawnSync(path.join(here, "node_modules/.bin/buf"),
                        ["generate", "--template", template],
                        { cwd: path.resolve(args.proto_dir), encoding: "utf8" });
  assert.equal(buf.status, 0, `buf generate failed: ${buf.stderr}`);
  return gen;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

async function startRapportd(dir) {
  const db = path.join(dir, "rapport.db");
  const boot = spawnSync(args.rapportd, [`--db=${db}`,
                                         "--bootstrap_admin_key=acme"],
                         { encoding: "utf8" });
  assert.equal(boot.status, 0, boot.stderr);
  const key = boot.stdout.trim();
  const grpcPort = await freePort();
  const httpPort = await freePort();
  const log = fs.openSync(path.join(dir, "rapportd.log"), "a");
  const proc = spawn(args.rapportd, [
    `--listen=127.0.0.1:${grpcPort}`, `--db=${db}`,
    `--metrics_listen=127.0.0.1:${httpPort}`, "--auth=on",
    "--score_refresh=0s", "--history_interval=0s"],
                     { stdio: ["ignore", log, log] });
  // rapportd prints this once both ports serve every call (the HTTP port
  // answers 503 until its gate and routes are set).
  const ready = "rapportd: serving gRPC on port ";
  for (let i = 0; i < 300; ++i) {
    if (proc.exitCode !== null) break;
    const text = fs.readFileSync(path.join(dir, "rapportd.log"), "utf8");
    if (text.includes(ready)) return { proc, key, httpPort };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`rapportd did not start: ${
      fs.readFileSync(path.join(dir, "rapportd.log"), "utf8")}`);
}

function daysAgo(days) {
  return timestampFromDate(new Date(Date.now() - days * 86400e3));
}

async function main() {
  const gen = generate(path.resolve(args.out_dir));
  const load = (file) => import(pathToFileURL(path.join(gen, file)).href);
  const activity = await load("rapport/v1/activity_pb.js");
  const scoring = await load("rapport/v1/scoring_pb.js");
  const recommendation = await load("rapport/v1/recommendation_pb.js");

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rapport-node-connect-"));
  const { proc, key, httpPort } = await startRapportd(dir);
  try {
    const transport = createConnectTransport({
      baseUrl: `http://127.0.0.1:${httpPort}`,
      httpVersion: "1.1",
      interceptors: [(next) => async (req) => {
        req.header.set("Authorization", `Bearer ${key}`);
        return next(req);
      }],
    });
    const activityClient = createClient(activity.ActivityService, transport);
    const scoringClient = createClient(scoring.ScoringService, transport);
    const recommendationClient =
        createClient(recommendation.RecommendationService, transport);

    const upserted = await activityClient.upsertMember({
      member: { memberId: "node-1", displayName: "Node One", team: "north",
              industry: "Software" },
    });
    assert.equal(upserted.member.memberId, "node-1");
    assert.equal(upserted.member.team, "north");

    // Client streaming: three batches, one event in the last is invalid.
    async function* batches() {
      for (let b = 0; b < 3; ++b) {
        const events = [];
        for (let i = 0; i < 4; ++i) {
          events.push({
            eventId: `node-${b}-${i}`, memberId: "node-1",
            occurTime: daysAgo(1 + i), type: activity.EventType.POST_PUBLISHED,
          });
        }
        if (b === 2) events.push({ eventId: "node-bad", memberId: "node-1" });
        yield { events };
      }
    }
    const ingested = await activityClient.ingestEvents(batches());
    assert.equal(ingested.acceptedCount, 12n);
    assert.equal(ingested.batchCount, 3);
    assert.equal(ingested.rejected.length, 1);
    assert.equal(ingested.rejected[0].batchIndex, 2);
    assert.equal(ingested.rejected[0].eventIndex, 4);

    let score;
    for (let i = 0; i < 300; ++i) {  // Until the boards are built.
      try {
        score = await scoringClient.getScore({ memberId: "node-1" });
        break;
      } catch (e) {
        if (ConnectError.from(e).code !== Code.Unavailable) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    assert.ok(score, "GetScore never answered");
    assert.equal(score.score.memberId, "node-1");

    const board = await scoringClient.getLeaderboard({
      scope: { case: "team", value: "north" },
    });
    assert.ok(board.entries.some((e) => e.memberId === "node-1"),
              JSON.stringify(board.entries));

    const recommendations =
        await recommendationClient.getRecommendations({ memberId: "node-1" });
    assert.ok(Array.isArray(recommendations.recommendations));

    // A bad request is a ConnectError with the gRPC handler's code.
    await assert.rejects(scoringClient.getScore({ memberId: "" }), (e) => {
      assert.equal(ConnectError.from(e).code, Code.InvalidArgument);
      return true;
    });
    await assert.rejects(scoringClient.getScore({ memberId: "nobody" }), (e) => {
      assert.equal(ConnectError.from(e).code, Code.NotFound);
      return true;
    });
    // Without a key.
    const anonymous = createClient(scoring.ScoringService,
                                   createConnectTransport({
                                     baseUrl: `http://127.0.0.1:${httpPort}`,
                                     httpVersion: "1.1",
                                   }));
    await assert.rejects(anonymous.getScore({ memberId: "node-1" }), (e) => {
      assert.equal(ConnectError.from(e).code, Code.Unauthenticated);
      return true;
    });
    console.log("connect_e2e: all checks passed");
  } finally {
    const exited = proc.exitCode !== null
        ? Promise.resolve(proc.exitCode)
        : new Promise((r) => proc.on("exit", (code) => r(code)));
    proc.kill("SIGTERM");
    const code = await exited;
    const log = fs.readFileSync(path.join(dir, "rapportd.log"), "utf8");
    fs.rmSync(dir, { recursive: true, force: true });
    // A clean stop (and, under the sanitizers, no leak or error report).
    assert.equal(code, 0, `rapportd exited ${code}: ${log}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
