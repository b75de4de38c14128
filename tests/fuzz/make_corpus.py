#!/usr/bin/python3
"""Writes the seed corpora of the fuzz targets: tests/fuzz/corpus/<target>/.

Seeds are valid inputs of each entry point, so that the fuzzer starts from
what Rapport accepts and mutates its way into what it must refuse:
serialized requests of every rapport.v1 method (filled from the
descriptors), JSON lines of events and members, the built-in import
mappings and CRM exports in their layout, LinkedIn archive files, the
scoring model of deploy/scoring, auth configs, page tokens, JWTs (signed
by the target at run time), Connect requests and leaderboard queries.

  tests/fuzz/make_corpus.py            # (re)writes the corpora
Needs protoc and python3-protobuf (deploy/install-deps.sh test). Seeds are
named by content digest, so running it again changes nothing unless a seed
changed; seeds kept from crashes (crash-*, regression-*) are left alone.
"""

import base64
import hashlib
import importlib
import json
import os
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")

# The rapport.v1 files in the order the api_request target enumerates
# their services (one anchor message per file there).
V1_FILES = ["activity", "admin", "goal", "outreach", "recommendation",
            "scoring", "validation"]


def write(target, data):
    if isinstance(data, str):
        data = data.encode()
    directory = os.path.join(CORPUS, target)
    os.makedirs(directory, exist_ok=True)
    name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


def load_protos():
    out = tempfile.mkdtemp(prefix="rapport-fuzz-pb-")
    protos = [f"rapport/v1/{f}.proto" for f in ["common"] + V1_FILES]
    protos += ["rapport/config/v1/auth.proto",
               "rapport/config/v1/import_mapping.proto",
               "rapport/config/v1/scoring_model.proto"]
    subprocess.run(["protoc", f"--proto_path={ROOT}/proto",
                    f"--python_out={out}"] + protos, check=True)
    sys.path.insert(0, out)
    return {f: importlib.import_module(f"rapport.v1.{f}_pb2") for f in V1_FILES}


# Field values by name for the generic filler; other strings get "x-1".
STRINGS = {
    "member_id": "m-1", "team": "Sales East", "industry": "Software",
    "display_name": "Rep One", "manager": "Pat Lee", "event_id": "e-1",
    "contact_id": "c-1", "thread_id": "t-1", "content_id": "post-1",
    "region": "EMEA", "tenant_id": "acme", "goal_id": "g-1",
    "key_id": "0123456789abcdef", "name": "integration key",
    "page_token": "", "cursor": "", "note": "Q3 push", "role": "manager",
}
CONNECT_SERVICES = ["ActivityService", "ScoringService", "OutreachService",
                    "RecommendationService", "AdminService", "GoalService",
                    "ValidationService"]
TIME = 1748772000  # 2025-06-01 10:00 UTC.


def fill(message, depth=0):
    """Sets every field of `message` to a plausible value."""
    for field in message.DESCRIPTOR.fields:
        if field.containing_oneof is not None and \
                message.WhichOneof(field.containing_oneof.name) is not None:
            continue
        repeated = field.label == field.LABEL_REPEATED
        if field.type == field.TYPE_MESSAGE:
            if field.message_type.GetOptions().map_entry:
                continue
            if depth >= 3:
                continue
            sub = getattr(message, field.name).add() if repeated \
                else getattr(message, field.name)
            if field.message_type.full_name == "google.protobuf.Timestamp":
                sub.seconds = TIME
            elif field.message_type.full_name.startswith("google.protobuf."):
                continue
            else:
                fill(sub, depth + 1)
        elif field.type == field.TYPE_STRING:
            value = STRINGS.get(field.name, "x-1")
            if field.name == "member_ids":
                value = "m-1"
            if repeated:
                getattr(message, field.name).append(value)
            elif value:
                setattr(message, field.name, value)
        elif field.type == field.TYPE_BOOL:
            if not repeated:
                setattr(message, field.name, True)
        elif field.type == field.TYPE_ENUM:
            value = 1 if len(field.enum_type.values) > 1 else 0
            if repeated:
                getattr(message, field.name).append(value)
            else:
                setattr(message, field.name, value)
        elif field.type in (field.TYPE_INT32, field.TYPE_INT64,
                            field.TYPE_UINT32, field.TYPE_UINT64):
            value = 10 if field.name == "page_size" else 1
            if repeated:
                getattr(message, field.name).append(value)
            else:
                setattr(message, field.name, value)
        elif field.type in (field.TYPE_DOUBLE, field.TYPE_FLOAT):
            if not repeated:
                setattr(message, field.name, 50.0)


def api_requests(modules):
    index = 0
    for f in V1_FILES:
        module = modules[f]
        for service in module.DESCRIPTOR.services_by_name.values():
            for method in service.methods:
                cls = getattr(module, method.input_type.name)
                empty = cls()
                full = cls()
                fill(full)
                for message in (empty, full):
                    write("api_request_fuzzer",
                          bytes([index]) + message.SerializeToString())
                index += 1
    # The connect target's method table lists the services in this order.
    index = 0
    for service_name in CONNECT_SERVICES:
        for f in V1_FILES:
            service = modules[f].DESCRIPTOR.services_by_name.get(service_name)
            if service is None:
                continue
            for method in service.methods:
                cls = getattr(modules[f], method.input_type.name)
                full = cls()
                fill(full)
                write("connect_fuzzer", connect_post(index, full, method))
                for seed in handler_requests(index, full, method):
                    write("connect_handler_fuzzer", seed)
                index += 1


def connect_post(index, message, method):
    """A unary or client-streaming POST with a JSON body, in the layout
    the connect target's FuzzedDataProvider reads (strings are consumed
    from the front; integral choices from the back)."""
    from google.protobuf import json_format
    body = json_format.MessageToJson(message, indent=0).replace("\n", "")
    streaming = method.client_streaming
    ctype = "application/connect+json" if streaming else "application/json"
    if streaming:
        body = b"\x00" + struct.pack(">I", len(body)) + body.encode()
    else:
        body = body.encode()

    def s(text):  # ConsumeRandomLengthString: a backslash ends the string.
        return text.replace("\\", "\\\\").encode() + b"\\ "
    front = s("15000") + s(ctype) + s("identity") + s("gzip") + \
        s("x-request-id") + s("r-1") + body
    # Integral choices are read from the end: the method index, the GET
    # flag, then the header count.
    return front + bytes([1, 0, index])


def fdp_string(text):
    """Bytes FuzzedDataProvider.ConsumeRandomLengthString reads as `text`."""
    if isinstance(text, str):
        text = text.encode()
    return text.replace(b"\\", b"\\\\") + b"\\ "


def handler_requests(index, message, method):
    """Requests for the connect_handler target: its integral choices are
    read from the end of the input (the last byte first), its strings from
    the front."""
    from google.protobuf import json_format
    body_json = json_format.MessageToJson(message, indent=0).replace("\n", "")
    streaming = method.client_streaming
    seeds = []
    for codec in ("json", "proto"):
        body = body_json.encode() if codec == "json" else \
            message.SerializeToString()
        if streaming:
            body = b"\x00" + struct.pack(">I", len(body)) + body + \
                b"\x02" + struct.pack(">I", 2) + b"{}"
            ctype = 2 if codec == "json" else 3
        else:
            ctype = 0 if codec == "json" else 1
        # In the order consumed: path probability (4 bytes: 0, a known
        # method), the method index, POST, content-type, content-encoding,
        # connect-content-encoding, connect-accept-encoding,
        # accept-encoding, timeout ("10000"), protocol version ("1"), no
        # extra headers; then, after the query, the cut-off probability.
        back = [0, 0, 0, 0, index, 0, ctype, 0, 0, 1, 1, 2, 1, 0]
        front = fdp_string("") + body.replace(b"\\", b"\\\\")
        seeds.append(front + bytes([0xFF] * 4) + bytes(reversed(back)))
    if not streaming:
        # GET with the message in the query (methods without side effects
        # take it; the others answer 405).
        query = "connect=v1&encoding=json&message=" + \
            body_json.replace("%", "%25").replace("&", "%26")
        back = [0, 0, 0, 0, index, 1, 5, 0, 0, 0, 0, 0, 0, 0]
        seeds.append(fdp_string(query) + bytes([0xFF] * 4) +
                     bytes(reversed(back)))
    return seeds


def jsonl(modules):
    from google.protobuf import json_format
    activity = modules["activity"]
    events = []
    for t in (1, 5, 9, 14):
        e = activity.Event()
        fill(e)
        e.type = t
        events.append(json_format.MessageToJson(e, indent=0).replace("\n", ""))
    write("jsonl_fuzzer", b"\x00" + "\n".join(events).encode() + b"\n")
    write("jsonl_fuzzer", b"\x00" + ("\n\n" + events[0] + "\n{bad\n").encode())
    m = activity.Member()
    fill(m)
    write("jsonl_fuzzer", b"\x01" +
          json_format.MessageToJson(m, indent=0).replace("\n", "").encode())


def page_tokens():
    raw = "p1:1469598103934665603:42"
    token = base64.urlsafe_b64encode(raw.encode()).decode()
    write("page_token_fuzzer", b"\x00filters\\ " + token.encode() +
          struct.pack(">i", 10))
    write("page_token_fuzzer", b"\x01acme\\ Sales East\\ " + b"ZjE6MTI")
    write("page_token_fuzzer", b"\x02team=Sales East\\ m-100")
    write("page_token_fuzzer", b"\x03" + bytes(range(1, 40)))


def credentials():
    write("credentials_fuzzer", b"\x00rpk_0123456789abcdef_" + b"A" * 43)
    write("credentials_fuzzer", b"\x01eyJhbGciOiJFUzI1NiJ9")
    jwks = {"keys": [{"kty": "EC", "crv": "P-256", "kid": "k1", "use": "sig",
                      "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                      "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}
    write("credentials_fuzzer", b"\x02" + json.dumps(jwks).encode())

    def b64(text):
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
    header = b64('{"alg":"ES256","typ":"JWT","kid":"k1"}')
    for payload in (
            {"iss": "https://idp.example", "sub": "u1", "aud": "rapport",
             "exp": 1900000000, "tid": "acme", "roles": ["rapport-admin"]},
            {"iss": "https://idp.example", "sub": "u2", "aud": ["rapport", "x"],
             "exp": 1900000000, "nbf": 1700000000, "tid": "acme",
             "roles": "rapport-manager", "groups": ["team:Sales East"]},
            {"iss": "https://idp.example", "sub": "u3", "aud": "rapport",
             "exp": 1900000000, "tid": "acme", "roles": ["rapport-rep"],
             "mid": "m-1"}):
        text = json.dumps(payload, separators=(",", ":"))
        write("credentials_fuzzer", b"\x04" + text.encode())
        write("credentials_fuzzer", b"\x05" + text.encode() + b"\x00")
        write("credentials_fuzzer",
              b"\x03" + f"{header}.{b64(text)}.{b64('sig')}".encode())


def configs():
    with open(os.path.join(ROOT, "deploy", "scoring", "ssi-default.json"),
              "rb") as f:
        write("config_fuzzer", b"\x04" + f.read())
    write("config_fuzzer", b"\x01" + b'''
oidc {
  issuer: "https://idp.example"
  audiences: "rapport"
  jwks_file: "/etc/rapport/jwks.json"
  algorithms: "RS256"
  claims { tenant_claim: "tid" role_claim: "roles"
           roles { key: "rapport-admin" value: "admin" } }
}
client_certs { uri_san: "spiffe://acme/crm" tenant: "acme" role: "integration" }
trusted_proxies {
  addresses: "10.0.0.0/8"
  headers { name: "x-user" claim: "sub" }
  claims { tenant: "acme" role_claim: "groups"
           roles { key: "sales-managers" value: "manager" } }
}
''')
    write("config_fuzzer", b"\x05" + json.dumps({
        "oidc": [{"issuer": "https://idp.example", "audiences": ["rapport"],
                  "jwksFile": "/j.json",
                  "claims": {"tenant": "acme", "roleClaim": "roles",
                             "roles": {"a": "admin"}}}]}).encode())
    for name in ("hubspot-engagements", "salesforce-tasks"):
        with open(os.path.join(ROOT, "client", "cli", "mappings",
                               name + ".textproto"), "rb") as f:
            write("config_fuzzer", b"\x02" + f.read())


def csv_line(fields):
    out = []
    for f in fields:
        if any(c in f for c in ',"\r\n'):
            f = '"' + f.replace('"', '""') + '"'
        out.append(f)
    return ",".join(out) + "\r\n"


def csv_imports():
    # The column layouts of the built-in mappings (see their files); the
    # first byte picks the mapping in BuiltinMappingNames() order.
    hubspot = [
        ["Activity ID", "Activity date", "Activity type", "Activity assigned to",
         "Call direction", "Email direction", "Associated Contact IDs",
         "Contact job title", "Associated Contact", "Call and meeting outcome"],
        ["101", "2025-05-02 14:30", "Call", "rep@example.com", "Outbound", "",
         "9001", "VP Sales", "Ann Lee", "Connected"],
        ["102", "2025-05-03 09:00", "Email", "rep@example.com", "", "Sent",
         "9002", "Director, IT", "Bo \"B\" Ng", ""],
        ["103", "05/04/2025 10:15 AM", "Meeting", "Rep Two", "", "", "", "",
         "", "Completed"],
    ]
    salesforce = [
        ["Id", "OwnerId", "Owner.Email", "ActivityDate", "CreatedDate",
         "TaskSubtype", "Type", "Subject", "WhoId", "Status",
         "CallType", "Description"],
        ["00T1", "0051", "rep@example.com", "2025-05-02",
         "2025-05-02T14:30:00.000+0000", "Call", "Call", "Intro call",
         "003A", "Completed", "Outbound", "Notes, with comma\nand a line"],
        ["00T2", "0051", "rep@example.com", "2025-05-03",
         "2025-05-03T09:00:00.000+0000", "Email", "Email", "Re: pricing",
         "003B", "Completed", "", ""],
    ]
    write("csv_import_fuzzer",
          b"\x00" + "".join(csv_line(r) for r in hubspot).encode())
    write("csv_import_fuzzer",
          b"\x01" + "".join(csv_line(r) for r in salesforce).encode())
    write("csv_import_fuzzer",
          b"\x81\xef\xbb\xbf" + "".join(csv_line(r) for r in salesforce).encode())


def linkedin():
    names = ["Profile.csv", "Positions.csv", "Education.csv", "Skills.csv",
             "Certifications.csv", "Courses.csv", "Volunteering.csv",
             "Recommendations_Given.csv", "Recommendations_Received.csv",
             "Connections.csv", "Invitations.csv", "messages.csv",
             "Shares.csv", "Comments.csv", "Reactions.csv"]
    files = {
        "Profile.csv": [["First Name", "Last Name", "Headline", "Summary"],
                        ["Ann", "Lee", "Helping teams sell", "Ten years"]],
        "Positions.csv": [["Company Name", "Title", "Description"],
                          ["Acme", "AE", "Closed deals"], ["Beta", "SDR", ""]],
        "Skills.csv": [["Name"], ["Negotiation"], ["CRM"]],
        "Connections.csv": [
            ["Notes:"], ["When exporting your connection data..."], [],
            ["First Name", "Last Name", "URL", "Email Address", "Company",
             "Position", "Connected On"],
            ["Bo", "Ng", "https://www.linkedin.com/in/bo-ng", "", "Beta",
             "CTO", "05 Mar 2024"]],
        "Invitations.csv": [
            ["From", "To", "Sent At", "Message", "Direction",
             "inviteeProfileUrl"],
            ["Ann Lee", "Cy Do", "3/5/24, 2:22 PM", "Hi", "OUTGOING",
             "https://www.linkedin.com/in/cy-do"]],
        "messages.csv": [
            ["CONVERSATION ID", "CONVERSATION TITLE", "FROM",
             "SENDER PROFILE URL", "TO", "RECIPIENT PROFILE URLS", "DATE",
             "SUBJECT", "CONTENT", "FOLDER"],
            ["2-abc", "", "Ann Lee", "https://www.linkedin.com/in/ann-lee",
             "Bo Ng", "https://www.linkedin.com/in/bo-ng",
             "2024-03-05 14:22:10 UTC", "", "Hello, Bo", "INBOX"],
            ["2-abc", "", "Bo Ng", "https://www.linkedin.com/in/bo-ng",
             "Ann Lee", "https://www.linkedin.com/in/ann-lee",
             "2024-03-06 08:00:00 UTC", "", "Hi!", "INBOX"]],
        "Shares.csv": [["Date", "ShareLink", "ShareCommentary", "SharedUrl",
                        "MediaUrl"],
                       ["2024-03-05 14:22:10", "https://www.linkedin.com/feed/1",
                        "Read this", "", ""]],
        "Comments.csv": [["Date", "Link", "Message"],
                         ["2024-03-05 14:22:10",
                          "https://www.linkedin.com/feed/2", "Great"]],
        "Recommendations_Received.csv": [
            ["First Name", "Last Name", "Company", "Job Title", "Text",
             "Creation Date", "Status"],
            ["Dee", "Fox", "Acme", "VP", "Great rep", "03/05/24, 10:00 AM",
             "VISIBLE"]],
    }
    archive = b""
    for name, rows in files.items():
        content = "".join(csv_line(r) for r in rows).encode()
        write("linkedin_archive_fuzzer", bytes([names.index(name)]) + content)
        archive += bytes([names.index(name)]) + content + b"\x00"
    write("linkedin_archive_fuzzer", archive)
    # A real ZIP (deflated), as LinkedIn sends it.
    import io
    import zipfile
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, rows in list(files.items())[:4]:
            z.writestr(name, "".join(csv_line(r) for r in rows))
    write("linkedin_archive_fuzzer", buffer.getvalue())


def http():
    def s(text):
        return text.replace("\\", "\\\\").encode() + b"\\ "
    for method, path, accept, query in (
            ("GET", "/", "gzip, deflate", "team=Sales%20East"),
            ("HEAD", "/metrics", "*;q=0", ""),
            ("POST", "/metrics", "identity", "team=a+b&team=c"),
            ("PROPFIND", "/x", "x-gzip;q=0.5", "other=1&team=%E2%82%AC")):
        write("http_request_fuzzer", s(method) + s(path) + s(accept) +
              query.encode())


def connect_get():
    def s(text):
        return text.replace("\\", "\\\\").encode() + b"\\ "
    message = base64.urlsafe_b64encode(b'{"memberId":"m-1"}').decode()
    query = f"connect=v1&encoding=json&base64=1&message={message}"
    # ScoringService.GetScore (the 8th method of the table), by GET.
    for q in (query, "encoding=json&message=%7B%7D",
              "encoding=proto&compression=gzip"):
        write("connect_fuzzer", s("") + s("") + s("") + s("") + q.encode() +
              bytes([0, 1, 7]))


def main():
    modules = load_protos()
    api_requests(modules)
    jsonl(modules)
    page_tokens()
    credentials()
    configs()
    csv_imports()
    linkedin()
    http()
    connect_get()


if __name__ == "__main__":
    main()
