// End to end with Node.js's gRPC client, @grpc/grpc-js, and the .proto files
// loaded at run time by @grpc/proto-loader (no generated code): the real
// rapportd on loopback with authentication on, the first admin key made
// offline as the Python end-to-end tests make it, then keys made through
// AdminService and, with them, members upserted, events streamed (a bad
// event reported by its index), scores, a leaderboard and recommendations
// read back and checked against each other; a call without a key is
// UNAUTHENTICATED and a manager's key may not write.
//
//   node tests/node/grpc_js_e2e.mjs --rapportd PATH --proto_dir DIR
//        [--include_dir /usr/include]
//
// Needs `npm ci --prefix tests/node` (tests/run.sh runs it).

import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { parseArgs } from "node:util";

// From tests/node/node_modules, pinned by tests/node/package-lock.json.
let grpc, protoLoader;
try {
  grpc = (await import("@grpc/grpc-js")).default;
  protoLoader = (await import("@grpc/proto-loader")).default;
} catch (err) {
  console.error(`${err.message}\nrun \`npm ci --prefix tests/node\` first`);
  process.exit(1);
}

const { values: args } = parseArgs({
  options: {
    rapportd: { type: "string" },
    proto_dir: { type: "string" },
    // Where google/protobuf/timestamp.proto is: Debian's libprotobuf-dev.
    include_dir: { type: "string", default: "/usr/include" },
  },
});
if (!args.rapportd || !args.proto_dir) {
  console.error("usage: grpc_js_e2e.mjs --rapportd PATH --proto_dir DIR");
  process.exit(2);
}

const TENANT = "acme";
const TEAM = "Orion";
const HOUR = 3600;
const DAY = 24 * HOUR;
// Every event is dated relative to this instant, hours or days before it,
// so that what the test expects holds at any hour, across UTC midnight.
const NOW = Math.floor(Date.now() / 1000);

// The API as proto-loader reads it: camelCase fields, enums by name, 64-bit
// integers as strings, defaults filled in, oneofs named.
const packageDefinition = protoLoader.loadSync(
  fs
    .readdirSync(path.join(args.proto_dir, "rapport/v1"))
    .filter((f) => f.endsWith(".proto"))
    .map((f) => `rapport/v1/${f}`),
  {
    includeDirs: [args.proto_dir, args.include_dir],
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  },
);
const v1 = grpc.loadPackageDefinition(packageDefinition).rapport.v1;

// --- rapportd ---------------------------------------------------------------

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function connects(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.setTimeout(200);
    socket.on("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
    socket.on("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
// A sleep that does not keep the process alive once everything else is done.
const timeout = (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref());

// The real rapportd over a database in a fresh directory, with
// authentication on (its default). Without TLS the port is loopback-only.
class Rapportd {
  constructor(binary) {
    this.binary = binary;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "rapport-node-e2e-"));
    this.db = path.join(this.dir, "rapport.db");
    this.logPath = path.join(this.dir, "rapportd.log");
    this.proc = null;
    this.exit = null;
  }

  // The first admin key of `tenant`, made offline against the database,
  // exactly as tests/e2e/rapport_e2e.py's bootstrap_admin_key does.
  bootstrapAdminKey(tenant) {
    return execFileSync(
      this.binary,
      [`--db=${this.db}`, `--bootstrap_admin_key=${tenant}`],
      { encoding: "utf8" },
    ).trim();
  }

  async start(timeoutMs = 30000) {
    this.port = await freePort();
    const metricsPort = await freePort();
    const log = fs.openSync(this.logPath, "a");
    this.proc = spawn(
      this.binary,
      [
        `--listen=127.0.0.1:${this.port}`,
        `--db=${this.db}`,
        `--metrics_listen=127.0.0.1:${metricsPort}`,
        "--auth=on",
        "--score_refresh=0s",
        "--history_interval=0s",
      ],
      { stdio: ["ignore", log, log] },
    );
    fs.closeSync(log);
    this.proc.on("exit", (code, signal) => {
      this.exit = { code, signal };
    });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exit) throw new Error(`rapportd exited: ${this.log()}`);
      if (await connects(this.port)) return;
      await sleep(50);
    }
    throw new Error(`rapportd did not start: ${this.log()}`);
  }

  get address() {
    return `127.0.0.1:${this.port}`;
  }

  log() {
    return fs.existsSync(this.logPath)
      ? fs.readFileSync(this.logPath, "utf8")
      : "";
  }

  // Stops rapportd with SIGTERM; resolves to its exit, or rejects when it
  // did not exit cleanly.
  async stop(timeoutMs = 30000) {
    if (!this.proc) {
      fs.rmSync(this.dir, { recursive: true, force: true });
      return;
    }
    if (!this.exit) {
      const exited = new Promise((resolve) => this.proc.once("exit", resolve));
      this.proc.kill("SIGTERM");
      await Promise.race([exited, timeout(timeoutMs)]);
      if (!this.exit) {
        this.proc.kill("SIGKILL");
        await exited;
        throw new Error(`rapportd ignored SIGTERM: ${this.log()}`);
      }
    }
    const { code, signal } = this.exit;
    const log = this.log();
    fs.rmSync(this.dir, { recursive: true, force: true });
    if (code !== 0) {
      throw new Error(`rapportd exited ${code ?? signal}: ${log}`);
    }
  }
}

// --- calls --------------------------------------------------------------

function withKey(key) {
  const md = new grpc.Metadata();
  if (key) md.set("authorization", `Bearer ${key}`);
  return md;
}

const DEADLINE_MS = 30000;
const deadline = () => ({ deadline: Date.now() + DEADLINE_MS });

// A unary call as a promise.
function unary(client, method, request, key) {
  return new Promise((resolve, reject) => {
    client[method](request, withKey(key), deadline(), (err, response) =>
      err ? reject(err) : resolve(response),
    );
  });
}

// IngestEvents: writes each batch as one message of the client stream.
function ingest(client, batches, key) {
  return new Promise((resolve, reject) => {
    const call = client.IngestEvents(withKey(key), deadline(), (err, res) =>
      err ? reject(err) : resolve(res),
    );
    for (const events of batches) call.write({ events });
    call.end();
  });
}

// Resolves to the error a call failed with; rejects when it succeeded.
async function failure(promise) {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new assert.AssertionError({ message: "the call succeeded" });
}

const ts = (seconds) => ({ seconds: String(seconds), nanos: 0 });
const secondsOf = (timestamp) => Number(timestamp.seconds);
const utcDay = (timestamp) => Math.floor(secondsOf(timestamp) / DAY);

// --- the organisation -----------------------------------------------------

// Six members of one team (the default minimum group size is five), with
// the same profile, so that only their activity tells them apart: "ada"
// with much of it, "bea" with some, "cid" with one post, three without any.
const PROFILE = {
  hasPhoto: false,
  hasHeadline: true,
  hasSummary: true,
  positionsCount: 2,
  positionsWithDescriptionCount: 1,
  educationCount: 1,
  skillsCount: 10,
  certificationsCount: 0,
  connectionsCount: 300,
};
const MEMBERS = ["ada", "bea", "cid", "dov", "eve", "fay"];
const QUIET = ["dov", "eve", "fay"];

function member(id) {
  return {
    memberId: id,
    displayName: `Rep ${id}`,
    team: TEAM,
    industry: "software",
    manager: "lena@acme.test",
    profile: PROFILE,
  };
}

let nextEvent = 0;
function event(memberId, type, ageSeconds, extra = {}) {
  nextEvent += 1;
  return {
    eventId: `node-${memberId}-${nextEvent}`,
    memberId,
    occurTime: ts(NOW - ageSeconds),
    type: `EVENT_TYPE_${type}`,
    ...extra,
  };
}

function contact(contactId, seniority) {
  return { contactId, seniority: `SENIORITY_${seniority}` };
}

// ada's threads with no answer (7 to 9 days old: past the 5 days after
// which a thread is worth a follow-up, within the 30 days it is looked at)
// and the people ada met at an event two days ago and has not written to
// since.
const UNANSWERED = [
  { thread: "t-unanswered-1", contact: contact("c-dir", "DIRECTOR"), age: 8 * DAY },
  { thread: "t-unanswered-2", contact: contact("c-ceo", "C_SUITE"), age: 9 * DAY },
  { thread: "t-unanswered-3", contact: contact("c-ic", "INDIVIDUAL_CONTRIBUTOR"), age: 7 * DAY },
];
const MET = [contact("c-met-1", "MANAGER"), contact("c-met-2", "MANAGER")];
const MET_AGE = 2 * DAY;
// Decision makers ada knows of (a saved lead, a viewed profile) and never
// asked to connect nor wrote to.
const KNOWN_DECISION_MAKERS = [
  contact("c-lead-vp", "VP"),
  contact("c-viewed-cfo", "C_SUITE"),
];

function adaEvents() {
  const e = [];
  for (let d = 1; d <= 4; d++) e.push(event("ada", "POST_PUBLISHED", d * DAY));
  e.push(event("ada", "REACTION_RECEIVED", 12 * HOUR, { quantity: 40 }));
  e.push(event("ada", "COMMENT_RECEIVED", 13 * HOUR, { quantity: 6 }));
  for (let d = 1; d <= 3; d++) e.push(event("ada", "CONTENT_SHARED", d * DAY + HOUR));
  for (let d = 1; d <= 6; d++) e.push(event("ada", "COMMENT_MADE", d * DAY + 2 * HOUR));
  e.push(event("ada", "GROUP_ANSWER", 3 * DAY));
  e.push(event("ada", "PROSPECT_SEARCH", 2 * DAY, { quantity: 6 }));
  e.push(event("ada", "LEAD_SAVED", 2 * DAY, { contact: KNOWN_DECISION_MAKERS[0] }));
  e.push(
    event("ada", "PROSPECT_PROFILE_VIEWED", 2 * DAY, { contact: KNOWN_DECISION_MAKERS[1] }),
  );
  for (let i = 1; i <= 4; i++) {
    const c = contact(`c-conn-${i}`, i % 2 ? "VP" : "MANAGER");
    const extra = { contact: c, channel: "CHANNEL_CONNECTION_NOTE" };
    e.push(event("ada", "CONNECTION_REQUEST_SENT", (10 + i) * DAY, extra));
    if (i <= 2) e.push(event("ada", "CONNECTION_ACCEPTED", (9 + i) * DAY, extra));
  }
  // Answered threads: sent, then a reply a day later.
  for (let i = 1; i <= 4; i++) {
    const extra = {
      contact: contact(`c-answered-${i}`, "DIRECTOR"),
      channel: "CHANNEL_EMAIL",
      threadId: `t-answered-${i}`,
    };
    e.push(event("ada", "MESSAGE_SENT", (12 + i) * DAY, extra));
    e.push(event("ada", "MESSAGE_RECEIVED", (11 + i) * DAY, extra));
  }
  for (const u of UNANSWERED) {
    e.push(
      event("ada", "MESSAGE_SENT", u.age, {
        contact: u.contact,
        channel: "CHANNEL_EMAIL",
        threadId: u.thread,
      }),
    );
  }
  for (const c of MET) {
    e.push(event("ada", "CONTACT_MET_AT_EVENT", MET_AGE, { contact: c, channel: "CHANNEL_EVENT" }));
  }
  return e;
}

function beaEvents() {
  const e = [event("bea", "POST_PUBLISHED", DAY)];
  e.push(event("bea", "COMMENT_MADE", DAY + HOUR));
  e.push(event("bea", "REACTION_RECEIVED", 20 * HOUR, { quantity: 5 }));
  return e;
}

// --- the tests ---------------------------------------------------------------

const server = new Rapportd(args.rapportd);
const keys = {};
let activity, scoring, recommendations, admin;

before(async () => {
  keys.admin = server.bootstrapAdminKey(TENANT);
  assert.match(keys.admin, /^rpk_/);
  await server.start();
  const credentials = grpc.credentials.createInsecure();
  activity = new v1.ActivityService(server.address, credentials);
  scoring = new v1.ScoringService(server.address, credentials);
  recommendations = new v1.RecommendationService(server.address, credentials);
  admin = new v1.AdminService(server.address, credentials);
  for (const [name, scope] of [
    ["integration", { role: "ROLE_INTEGRATION" }],
    ["manager", { role: "ROLE_MANAGER", teams: [TEAM] }],
  ]) {
    const made = await unary(admin, "CreateApiKey", { name: `node ${name}`, scope }, keys.admin);
    assert.equal(made.key.scope.role, scope.role);
    assert.ok(made.secret.startsWith(`rpk_${made.key.keyId}_`), made.secret);
    keys[name] = made.secret;
  }
});

after(async () => {
  for (const client of [activity, scoring, recommendations, admin]) client?.close();
  await server.stop();
});

test("a call without a key, or with a wrong one, is UNAUTHENTICATED", async () => {
  const err = await failure(unary(scoring, "GetLeaderboard", { team: TEAM }));
  assert.equal(err.code, grpc.status.UNAUTHENTICATED, err.message);
  const bad = await failure(
    unary(scoring, "GetLeaderboard", { team: TEAM }, `${keys.manager}x`),
  );
  assert.equal(bad.code, grpc.status.UNAUTHENTICATED, bad.message);
});

test("UpsertMember creates each member once, then replaces it", async () => {
  for (const id of MEMBERS) {
    const res = await unary(activity, "UpsertMember", { member: member(id) }, keys.integration);
    assert.equal(res.created, true, id);
    assert.equal(res.member.memberId, id);
    assert.equal(res.member.team, TEAM);
    assert.equal(res.member.profile.skillsCount, PROFILE.skillsCount);
    assert.ok(secondsOf(res.member.createTime) > 0);
  }
  const again = await unary(activity, "UpsertMember", { member: member("ada") }, keys.integration);
  assert.equal(again.created, false);
  const err = await failure(
    unary(activity, "UpsertMember", { member: { ...member("zed"), team: "" } }, keys.integration),
  );
  assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
  assert.match(err.details, /member\.team/);
});

let streamed;

test("IngestEvents stores a stream of batches, a bad event reported by its index", async () => {
  const ada = adaEvents();
  const bea = beaEvents();
  // Batch 0: half of ada's events and, at index 3, an event without a type.
  const half = Math.floor(ada.length / 2);
  const batch0 = ada.slice(0, half);
  const untyped = event("ada", "POST_PUBLISHED", HOUR);
  untyped.type = "EVENT_TYPE_UNSPECIFIED";
  batch0.splice(3, 0, untyped);
  // Batch 1: the rest, bea's, cid's post and, last, an unknown member's.
  const stranger = event("nobody", "POST_PUBLISHED", HOUR);
  const batch1 = [...ada.slice(half), ...bea, event("cid", "POST_PUBLISHED", DAY), stranger];
  const good = batch0.length + batch1.length - 2;

  const res = await ingest(activity, [batch0, batch1], keys.integration);
  assert.equal(res.batchCount, 2);
  assert.equal(res.acceptedCount, String(good));
  assert.equal(res.duplicateCount, "0");
  assert.equal(res.rejectedCount, "2");
  assert.equal(res.rejected.length, 2);
  const [first, second] = res.rejected;
  assert.deepEqual(
    [first.batchIndex, first.eventIndex, first.eventId, first.field, first.code],
    [0, 3, untyped.eventId, "type", grpc.status.INVALID_ARGUMENT],
  );
  assert.deepEqual(
    [second.batchIndex, second.eventIndex, second.eventId, second.code],
    [1, batch1.length - 1, stranger.eventId, grpc.status.NOT_FOUND],
  );
  assert.ok(first.reason.length > 0);

  // The same stream again changes nothing: every stored event is a duplicate.
  const again = await ingest(activity, [batch0, batch1], keys.integration);
  assert.equal(again.acceptedCount, "0");
  assert.equal(again.duplicateCount, String(good));
  assert.equal(again.rejectedCount, "2");

  const stored = await unary(activity, "GetMember", { memberId: "ada" }, keys.integration);
  assert.equal(stored.member.eventCount, String(ada.length));
  streamed = { ada: ada.length, bea: bea.length };
});

// Each member's score through GetScore.
async function scores(key) {
  const out = {};
  for (const id of MEMBERS) {
    out[id] = (await unary(scoring, "GetScore", { memberId: id }, key)).score;
  }
  return out;
}

test("GetScore: activity raises the score; the pillars add up to it", async () => {
  assert.ok(streamed, "needs the events of the ingest test");
  const s = await scores(keys.integration);
  for (const id of MEMBERS) {
    const score = s[id];
    assert.equal(score.memberId, id);
    assert.equal(score.pillars.length, 4);
    const sum = score.pillars.reduce((acc, p) => acc + p.score, 0);
    assert.ok(Math.abs(sum - score.total) < 1e-9, `${id}: ${sum} != ${score.total}`);
    for (const p of score.pillars) {
      assert.ok(p.score >= 0 && p.score <= 25, `${id} ${p.pillar}: ${p.score}`);
    }
    assert.ok(score.total >= 0 && score.total <= 100);
  }
  // Same profile: the more activity, the higher the score; none, the same.
  assert.ok(s.ada.total > s.bea.total, `ada ${s.ada.total} <= bea ${s.bea.total}`);
  assert.ok(s.bea.total > s.dov.total, `bea ${s.bea.total} <= dov ${s.dov.total}`);
  assert.ok(s.cid.total > s.dov.total, `cid ${s.cid.total} <= dov ${s.dov.total}`);
  for (const id of QUIET) assert.equal(s[id].total, s.dov.total, id);
  // Without events only the profile's pillar earns points.
  const brand = (score) => score.pillars.find((p) => p.pillar === "PILLAR_PROFESSIONAL_BRAND");
  assert.ok(Math.abs(brand(s.dov).score - s.dov.total) < 1e-9);
  assert.ok(brand(s.dov).score > 0);
  // The team's rank holds all six.
  assert.equal(s.ada.networkRank.group, TEAM);
  assert.equal(s.ada.networkRank.outOf, MEMBERS.length);
  assert.equal(s.ada.networkRank.rank, 1);
});

test("GetLeaderboard ranks the team in the order of their scores", async () => {
  // The leaderboard and the scores of one UTC day (scores age by the day):
  // read again when midnight fell between the calls.
  for (let attempt = 0; ; attempt++) {
    const board = await unary(scoring, "GetLeaderboard", { team: TEAM }, keys.manager);
    const s = await scores(keys.manager);
    const days = new Set([utcDay(board.asOf), ...MEMBERS.map((id) => utcDay(s[id].asOf))]);
    if (days.size > 1 && attempt === 0) continue;

    assert.equal(board.totalSize, MEMBERS.length);
    assert.deepEqual(board.entries.map((e) => e.memberId).sort(), [...MEMBERS].sort());
    const totals = board.entries.map((e) => e.total);
    for (let i = 1; i < totals.length; i++) {
      assert.ok(totals[i - 1] >= totals[i], `not best first: ${totals}`);
    }
    for (const e of board.entries) {
      assert.equal(e.team, TEAM);
      assert.ok(Math.abs(e.total - s[e.memberId].total) < 1e-9,
        `${e.memberId}: leaderboard ${e.total}, GetScore ${s[e.memberId].total}`);
      // 1 + how many score strictly higher: ties share a rank.
      const above = board.entries.filter((o) => o.total > e.total).length;
      assert.equal(e.rank, above + 1, `${e.memberId}`);
    }
    assert.equal(board.entries[0].memberId, "ada");
    const quietRanks = new Set(
      board.entries.filter((e) => QUIET.includes(e.memberId)).map((e) => e.rank),
    );
    assert.equal(quietRanks.size, 1, "members without events share a rank");
    return;
  }
});

test("GetRecommendations: positive gains, best first, the right threads and contacts", async () => {
  const res = await unary(
    recommendations,
    "GetRecommendations",
    { memberId: "ada", maxResults: 100 },
    keys.manager,
  );
  const recs = res.recommendations;
  assert.ok(recs.length > 0);
  for (let i = 0; i < recs.length; i++) {
    assert.ok(recs[i].expectedGain > 0, `${recs[i].kind}: gain ${recs[i].expectedGain}`);
    if (i > 0) assert.ok(recs[i - 1].expectedGain >= recs[i].expectedGain, "not best first");
    assert.ok(recs[i].title.length > 0 && recs[i].rationale.length > 0);
  }
  const byKind = Object.fromEntries(recs.map((r) => [r.kind, r]));

  // The unanswered threads, each with its contact, the most senior first.
  const followUps = byKind.RECOMMENDATION_KIND_FOLLOW_UP_THREADS;
  assert.ok(followUps, `no follow-ups among ${Object.keys(byKind)}`);
  const rank = { C_SUITE: 1, VP: 2, DIRECTOR: 3, MANAGER: 4, INDIVIDUAL_CONTRIBUTOR: 5 };
  const expected = [...UNANSWERED].sort(
    (a, b) => rank[a.contact.seniority.slice(10)] - rank[b.contact.seniority.slice(10)],
  );
  assert.deepEqual(
    followUps.targets.map((t) => [t.threadId, t.contactId]),
    expected.map((u) => [u.thread, u.contact.contactId]),
  );

  // The people met at the event, due two days after meeting them.
  const met = byKind.RECOMMENDATION_KIND_FOLLOW_UP_EVENT_CONTACTS;
  assert.ok(met, `no event follow-ups among ${Object.keys(byKind)}`);
  assert.deepEqual(
    met.targets.map((t) => t.contactId).sort(),
    MET.map((c) => c.contactId).sort(),
  );
  for (const t of met.targets) {
    assert.equal(secondsOf(t.dueTime), NOW - MET_AGE + 2 * DAY, t.contactId);
  }

  // Decision makers ada knows of and never asked, C-suite first; nobody
  // ada already asked or wrote to.
  const connect = byKind.RECOMMENDATION_KIND_CONNECT_DECISION_MAKERS;
  assert.ok(connect, `no connection requests among ${Object.keys(byKind)}`);
  assert.deepEqual(
    connect.targets.map((t) => t.contactId),
    ["c-viewed-cfo", "c-lead-vp"],
  );

  // Profile actions name nobody.
  const photo = byKind.RECOMMENDATION_KIND_ADD_PHOTO;
  assert.ok(photo, "no photo: the profile has none");
  assert.equal(photo.targets.length, 0);
  assert.equal(photo.pillar, "PILLAR_PROFESSIONAL_BRAND");
});

test("a photo's stated gain is what the score gains once it is added", async () => {
  // dov has no events: his score does not age, whatever the hour.
  const before = (await unary(scoring, "GetScore", { memberId: "dov" }, keys.manager)).score;
  const recs = await unary(
    recommendations,
    "GetRecommendations",
    { memberId: "dov", maxResults: 100 },
    keys.manager,
  );
  const photo = recs.recommendations.find((r) => r.kind === "RECOMMENDATION_KIND_ADD_PHOTO");
  assert.ok(photo && photo.expectedGain > 0);
  assert.ok(Math.abs(recs.currentTotal - before.total) < 1e-9);
  await unary(
    activity,
    "UpsertMember",
    { member: { ...member("dov"), profile: { ...PROFILE, hasPhoto: true } } },
    keys.integration,
  );
  const after = (await unary(scoring, "GetScore", { memberId: "dov" }, keys.manager)).score;
  assert.ok(
    Math.abs(after.total - before.total - photo.expectedGain) < 1e-6,
    `gained ${after.total - before.total}, stated ${photo.expectedGain}`,
  );
});

test("a manager's key reads its team but may not write: PERMISSION_DENIED", async () => {
  const board = await unary(scoring, "GetLeaderboard", { team: TEAM }, keys.manager);
  assert.equal(board.entries.length, MEMBERS.length);
  const upsert = await failure(
    unary(activity, "UpsertMember", { member: member("ada") }, keys.manager),
  );
  assert.equal(upsert.code, grpc.status.PERMISSION_DENIED, upsert.message);
  assert.match(upsert.details, /members\.write/);
  const stream = await failure(
    ingest(activity, [[event("ada", "POST_PUBLISHED", HOUR)]], keys.manager),
  );
  assert.equal(stream.code, grpc.status.PERMISSION_DENIED, stream.message);
  // Nothing was stored by the refused calls.
  const ada = await unary(activity, "GetMember", { memberId: "ada" }, keys.integration);
  assert.equal(ada.member.eventCount, String(streamed.ada));
  // Another team is outside its scope.
  const other = await failure(
    unary(scoring, "GetLeaderboard", { team: "Vega" }, keys.manager),
  );
  assert.equal(other.code, grpc.status.PERMISSION_DENIED, other.message);
});
