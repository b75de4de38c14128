#!/usr/bin/python3
"""Proves that check_deploy.py fails when deploy/ is broken.

Copies what check_deploy.py reads into a temporary directory, breaks one
thing at a time (a threshold, a route, a probe, a package name…) and expects
the named check to fail; the unbroken copy must pass first.

    tests/deploy/check_deploy_selftest.py [--root REPO] [-v]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CHECK = os.path.join(HERE, "check_deploy.py")
# What check_deploy.py reads (the Dockerfile check: the sources it copies).
COPIED = ["deploy", "docs", "README.md", "CMakeLists.txt", "proto", "server", "client"]

# (check expected to fail, file, text, replacement). The text must occur.
MUTATIONS = [
    ("yaml", "deploy/k8s/pvc.yaml", "accessModes: [ReadWriteOnce]", "accessModes: [ReadWriteOnce"),
    ("prometheus-config", "deploy/prometheus/prometheus.yml", "scrape_interval: 30s", "scrape_interval: soon"),
    ("prometheus-config", "deploy/prometheus/prometheus.yml", "  - job_name: rapport\n", "  - job_name: rapportd\n"),
    ("prometheus-config", "deploy/prometheus/prometheus.yml", '"127.0.0.1:9464"', '"127.0.0.1:9465"'),
    ("prometheus-rules", "deploy/prometheus/rules/rapport-engagement-alerts.yml",
     "expr: rapport_team_ssi_change_7d <= -2", "expr: rapport_team_ssi_change_7d <= (-2"),
    ("promtool-tests", "deploy/prometheus/rules/rapport-engagement-alerts.yml",
     "expr: rapport_team_ssi_change_7d <= -2", "expr: rapport_team_ssi_change_7d <= -1.5"),
    ("promtool-tests", "deploy/prometheus/rules/rapport-engagement-alerts.yml",
     "expr: time() - rapport_member_last_activity_timestamp_seconds > 14 * 86400",
     "expr: time() - rapport_member_last_activity_timestamp_seconds > 16 * 86400"),
    ("promtool-tests", "deploy/prometheus/rules/rapport-engagement-alerts.yml",
     "and on (tenant, team, member)", "and on (team, member)"),
    ("promtool-tests", "deploy/prometheus/rules/rapport-engagement-alerts.yml",
     "rapport_member_threads_started_30d >= 20", "rapport_member_threads_started_30d >= 19"),
    ("promtool-tests", "deploy/prometheus/rules/rapport-service-alerts.yml",
     'grpc_service=~"rapport[.].*", grpc_type="unary"', 'grpc_type="unary"'),
    ("promtool-tests", "deploy/prometheus/rules/rapport-service-alerts.yml",
     "[5m])) >= 5", "[5m])) >= 0"),
    ("promtool-tests", "deploy/prometheus/rules/rapport-service-alerts.yml",
     "> 25 * 3600", "> 24 * 3600"),
    ("promtool-tests", "deploy/prometheus/rules/rapport-recording.yml",
     "expr: min by (tenant, team) (rapport_member_ssi_change_7d)",
     "expr: max by (tenant, team) (rapport_member_ssi_change_7d)"),
    ("rule-contents", "deploy/prometheus/rules/rapport-engagement-alerts.yml",
     "expr: rapport_member_ssi_change_7d <= -5\n        for: 5m", "expr: rapport_member_ssi_change_7d <= -5\n        for: 10m"),
    ("rule-contents", "deploy/prometheus/rules/rapport-engagement-alerts.yml",
     "- alert: RapportMemberInactive", "- alert: RapportMemberIdle"),
    ("rule-contents", "deploy/prometheus/rules/rapport-recording.yml",
     "record: tenant:rapport_member_ssi:avg", "record: tenant_rapport_member_ssi_avg"),
    ("rule-contents", "deploy/prometheus/rules/rapport-recording.yml",
     "expr: avg by (tenant) (max without (instance, pod) (rapport_member_ssi))",
     "expr: avg by (tenant) (max without (instance, pod) (rapport_member_sssi))"),
    # A sum over replicas that counts a team twice while the lease moves.
    ("promtool-tests", "deploy/prometheus/rules/rapport-recording.yml",
     "sum by (tenant) (max without (instance, pod) (rapport_team_members_declining))",
     "sum by (tenant) (rapport_team_members_declining)"),
    ("test-coverage", "deploy/prometheus/tests/engagement-alerts.yml",
     "      - eval_time: 10m\n        alertname: RapportTeamSsiFalling\n        exp_alerts: []\n", ""),
    ("test-coverage", "deploy/prometheus/tests/recording.yml",
     "      - expr: tenant_pillar:rapport_member_pillar_score:avg\n",
     "      - expr: avg by (tenant, pillar) (rapport_member_pillar_score)\n"),
    ("prometheusrule", "deploy/k8s/prometheusrule.yaml",
     "expr: rapport_member_ssi_change_7d <= -5\n      for: 5m",
     "expr: rapport_member_ssi_change_7d <= -5\n      for: 4m"),
    ("alertmanager", "deploy/alertmanager/alertmanager.yml",
     "receiver: manager-cobalt", "receiver: manager-delta"),
    ("alertmanager", "deploy/alertmanager/alertmanager.yml",
     "    - matchers: ['team=\"\"']\n      receiver: oncall\n      repeat_interval: 4h\n", ""),
    ("alertmanager", "deploy/alertmanager/alertmanager.yml",
     "receiver: manager-harbor", "receiver: manager-nobody"),
    ("alertmanager", "deploy/alertmanager/alertmanager.yml",
     "RapportMember.*|RapportTeam.*|RapportGoal.*|RapportScoresStale",
     "RapportMember.*|RapportGoal.*|RapportScoresStale"),
    ("alertmanager", "deploy/alertmanager/alertmanager.yml",
     "group_by: [alertname, team]", "group_by: [alertname]"),
    ("grafana", "deploy/grafana/dashboards/rapport-leaderboard.json",
     "sort_desc(topk(10, rapport_member_ssi{", "(topk(10, rapport_member_ssi{"),
    ("grafana", "deploy/grafana/dashboards/rapport-leaderboard.json",
     "sum(rapport_team_members{", "sum(rapport_team_members{{"),
    ("grafana", "deploy/grafana/dashboards/rapport-leaderboard.json",
     "avg by (pillar) (rapport_member_pillar_score{", "avg by (pillar) (rapport_member_pillar_scores{"),
    ("grafana", "deploy/grafana/dashboards/rapport-leaderboard.json",
     '"type": "bargauge",\n      "title": "Pillars', '"type": "gauge",\n      "title": "Pillars'),
    ("grafana", "deploy/grafana/dashboards/rapport-leaderboard.json",
     "sort(bottomk(20, rapport_member_ssi_change_7d{", "(bottomk(20, rapport_member_ssi_change_7d{"),
    ("grafana", "deploy/grafana/dashboards/rapport-service.json", '"panels": [', '"panels": [[,'),
    ("grafana", "deploy/grafana/provisioning/dashboards/rapport.yml", "type: file", "type: nothing"),
    ("kubernetes", "deploy/k8s/deployment.yaml",
     "livenessProbe:\n            tcpSocket:\n              port: grpc",
     "livenessProbe:\n            tcpSocket:\n              port: metrics"),
    ("kubernetes", "deploy/k8s/deployment.yaml", "replicas: 1", "replicas: 2"),
    ("kubernetes", "deploy/k8s/deployment.yaml", "type: Recreate", "type: RollingUpdate"),
    ("kubernetes", "deploy/k8s/deployment.yaml", "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false"),
    ("kubernetes", "deploy/k8s/servicemonitor.yaml", "- port: metrics", "- port: http"),
    ("kubernetes", "deploy/k8s/servicemonitor.yaml", "jobLabel: app.kubernetes.io/name", "jobLabel: app.kubernetes.io/component"),
    ("kubernetes", "deploy/k8s/service.yaml", "    app.kubernetes.io/component: server\n  ports:",
     "    app.kubernetes.io/component: api\n  ports:"),
    ("kubernetes", "deploy/k8s/kustomization.yaml", "  - servicemonitor.yaml\n", ""),
    # Replicas over PostgreSQL (deploy/k8s/replicas, deploy/compose).
    ("scale-out", "deploy/k8s/replicas/deployment-patch.yaml", "  replicas: 3\n", "  replicas: 1\n"),
    ("scale-out", "deploy/k8s/replicas/deployment-patch.yaml", "maxUnavailable: 0", "maxUnavailable: 2"),
    ("scale-out", "deploy/k8s/replicas/deployment-patch.yaml", "- --db=$(RAPPORT_DB)",
     "- --db=postgresql://rapport:hunter2@pg.internal/rapport"),
    ("scale-out", "deploy/k8s/replicas/deployment-patch.yaml", "                  name: rapport-db\n",
     "                  name: rapport-database\n"),
    ("scale-out", "deploy/k8s/replicas/deployment-patch.yaml", "            - --change_poll=500ms\n", ""),
    ("scale-out", "deploy/k8s/replicas/deployment-patch.yaml", "- --change_poll=500ms", "- --change_polling=500ms"),
    ("scale-out", "deploy/k8s/replicas/deployment-patch.yaml",
     "            - --tls_cert_file=/etc/rapport/tls/tls.crt\n", ""),
    ("scale-out", "deploy/k8s/replicas/deployment-patch.yaml",
     "            - --metrics_listen=0.0.0.0:9464\n", "            - --metrics_listen=0.0.0.0:9465\n"),
    ("scale-out", "deploy/k8s/replicas/deployment-patch.yaml",
     "      volumes:\n        - name: data\n          $patch: delete\n", ""),
    ("scale-out", "deploy/k8s/replicas/deployment-patch.yaml", "      containers:\n        - name: rapportd\n",
     "      containers:\n        - name: rapportd\n          readinessProbe:\n            tcpSocket:\n"
     "              port: grpc\n            exec: null\n"),
    ("scale-out", "deploy/k8s/replicas/kustomization.yaml", "  - ../networkpolicy.yaml\n", ""),
    ("scale-out", "deploy/k8s/replicas/kustomization.yaml", "  - pdb.yaml\n", ""),
    ("scale-out", "deploy/k8s/replicas/db-secret.yaml", "uri: REPLACE_WITH_POSTGRESQL_URI",
     "uri: postgresql://rapport:hunter2@pg.internal/rapport"),
    ("scale-out", "deploy/k8s/replicas/pdb.yaml", "maxUnavailable: 1", "maxUnavailable: 3"),
    ("scale-out", "deploy/k8s/replicas/pdb.yaml", "      app.kubernetes.io/component: server\n",
     "      app.kubernetes.io/component: web\n"),
    ("scale-out", "deploy/k8s/replicas/hpa.yaml", "maxReplicas: 6", "maxReplicas: 20"),
    ("scale-out", "deploy/k8s/replicas/hpa.yaml", "minReplicas: 3", "minReplicas: 1"),
    ("scale-out", "deploy/k8s/replicas/hpa.yaml", "    kind: Deployment\n    name: rapportd",
     "    kind: Deployment\n    name: rapport"),
    ("scale-out", "deploy/compose/compose.yaml", "- --db=${RAPPORT_DB:?set RAPPORT_DB in .env (env.example)}",
     "- --db=/var/lib/rapport/rapport.db"),
    ("scale-out", "deploy/compose/compose.yaml", '"50052:50051"', '"50051:50051"'),
    ("scale-out", "deploy/compose/compose.yaml", "condition: service_healthy", "condition: service_started"),
    ("scale-out", "deploy/compose/compose.yaml", "max_connections=50", "max_connections=20"),
    ("scale-out", "deploy/compose/compose.yaml", "      - pgdata:/var/lib/postgresql/data\n", ""),
    ("scale-out", "deploy/compose/compose.yaml", '"--tls_server_name=rapport.example.com", "health"]',
     '"--tls_server_name=rapport.example.com", "version"]'),
    ("scale-out", "deploy/compose/compose.yaml", "stop_grace_period: 30s", "stop_grace_period: 5s"),
    ("scale-out", "deploy/compose/compose.yaml", "    - ./tls:/etc/rapport/tls:ro\n", ""),
    ("scale-out", "deploy/compose/compose.yaml", "    - --tls_key_file=/etc/rapport/tls/tls.key\n", ""),
    ("scale-out", "deploy/compose/compose.yaml", "  rapportd-2:\n    <<: *rapportd\n", "  rapportd-2:\n"
     "    image: nginx:1\n"),
    ("scale-out", "deploy/compose/env.example", "POSTGRES_PASSWORD=REPLACE_WITH_DATABASE_PASSWORD",
     "POSTGRES_PASSWORD=hunter2"),
    ("scale-out", "deploy/compose/env.example", "@postgres:5432/rapport", "@localhost:5432/rapport"),
    ("scale-out", "deploy/compose/.gitignore", ".env\n", ""),
    ("systemd", "deploy/systemd/rapportd.service", "ProtectSystem=strict", "ProtectSystem=full"),
    ("systemd", "deploy/systemd/rapportd.service", "TimeoutStopSec=30", "TimeoutStopSec=5"),
    ("systemd", "deploy/systemd/rapportd.service", "RestrictRealtime=yes", "RestrictRealTime=yes"),
    ("systemd", "deploy/systemd/rapportd.service", "RestartSec=2s", "RestartSec=soon"),
    ("dockerfile", "deploy/Dockerfile", "FROM debian:12 AS build", "FROM debian:11 AS build"),
    ("dockerfile", "deploy/Dockerfile", "libgrpc++1.51 libgrpc29", "libgrpc++1.52 libgrpc29"),
    ("dockerfile", "deploy/Dockerfile", "libsqlite3-0 ", "libsqlite3-dev "),
    ("dockerfile", "deploy/Dockerfile", "libpq5 ", ""),
    ("dockerfile", "deploy/Dockerfile", "COPY client client", "COPY clients client"),
    ("dockerfile", "deploy/Dockerfile.dockerignore", "!client/\n", ""),
    ("dockerfile", "deploy/Dockerfile", "USER 10001:10001", "USER root"),
    ("dockerfile", "deploy/Dockerfile", "EXPOSE 50051 9464", "EXPOSE 50051"),
    ("dockerfile", "deploy/Dockerfile", "/src/build/client/cli/rapport /usr", "/src/build/client/gui/rapport /usr"),
    ("prometheus-config", "deploy/prometheus/prometheus.yml", "    scheme: https\n", ""),
    ("prometheus-config", "deploy/prometheus/prometheus.yml",
     "credentials_file: /etc/prometheus/rapport/metrics.key", "credentials: REPLACE_WITH_METRICS_KEY"),
    ("prometheus-config", "deploy/prometheus/prometheus.yml", "      server_name: rapport.example.com\n", ""),
    ("kubernetes", "deploy/k8s/deployment.yaml", "            - --tls_cert_file=/etc/rapport/tls/tls.crt\n", ""),
    ("kubernetes", "deploy/k8s/deployment.yaml",
     "            - --auth_config=/etc/rapport/auth/auth.json\n", ""),
    ("kubernetes", "deploy/k8s/deployment.yaml",
     "mountPath: /etc/rapport/tls\n              readOnly: true", "mountPath: /etc/rapport/tls"),
    ("kubernetes", "deploy/k8s/deployment.yaml",
     "            secretName: rapport-tls\n", "            secretName: rapport-tls-old\n"),
    ("kubernetes", "deploy/k8s/deployment.yaml",
     "readinessProbe:\n            exec:\n              command:\n                - /usr/local/bin/rapport\n"
     "                - --server=127.0.0.1:50051\n"
     "                - --tls_ca_file=/etc/rapport/tls/ca.crt\n"
     "                - --tls_server_name=rapport.rapport.svc\n"
     "                - health\n",
     "readinessProbe:\n            grpc:\n              port: 50051\n"),
    # Readiness from a TCP connection: SERVING or not, the pod looks ready.
    ("kubernetes", "deploy/k8s/deployment.yaml",
     "readinessProbe:\n            exec:\n              command:\n                - /usr/local/bin/rapport\n"
     "                - --server=127.0.0.1:50051\n"
     "                - --tls_ca_file=/etc/rapport/tls/ca.crt\n"
     "                - --tls_server_name=rapport.rapport.svc\n"
     "                - health\n",
     "readinessProbe:\n            tcpSocket:\n              port: grpc\n"),
    ("kubernetes", "deploy/k8s/deployment.yaml",
     "                - --tls_server_name=rapport.rapport.svc\n                - health\n"
     "            periodSeconds: 5\n            timeoutSeconds: 5\n            failureThreshold: 2",
     "                - --tls_server_name=rapport.rapport.svc\n                - healthz\n"
     "            periodSeconds: 5\n            timeoutSeconds: 5\n            failureThreshold: 2"),
    ("kubernetes", "deploy/k8s/deployment.yaml",
     "                - --server=127.0.0.1:50051\n                # ca.crt",
     "                - --server=rapport.rapport.svc:50051\n                # ca.crt"),
    ("kubernetes", "deploy/k8s/deployment.yaml",
     "                - --server=127.0.0.1:50051\n                - --tls_ca_file=/etc/rapport/tls/ca.crt\n",
     "                - --server=127.0.0.1:50051\n"),
    ("kubernetes", "deploy/k8s/deployment.yaml",
     "            periodSeconds: 5\n            timeoutSeconds: 5\n            failureThreshold: 180",
     "            periodSeconds: 5\n            timeoutSeconds: 2\n            failureThreshold: 180"),
    # Liveness from health would restart a pod that is only building.
    ("kubernetes", "deploy/k8s/deployment.yaml",
     "livenessProbe:\n            tcpSocket:\n              port: grpc",
     "livenessProbe:\n            exec:\n              command: [/usr/local/bin/rapport, health]"),
    ("kubernetes", "deploy/k8s/deployment.yaml",
     "            periodSeconds: 10\n            timeoutSeconds: 5\n            failureThreshold: 6",
     "            periodSeconds: 10\n            timeoutSeconds: 5\n            failureThreshold: 3"),
    ("kubernetes", "deploy/k8s/auth-configmap.yaml", "  auth.json: |", "  auth-config.json: |"),
    ("kubernetes", "deploy/k8s/servicemonitor.yaml", "scheme: https", "scheme: http"),
    ("kubernetes", "deploy/k8s/servicemonitor.yaml",
     "      authorization:\n        type: Bearer\n        credentials:\n          name: rapport-metrics-key\n"
     "          key: key\n", ""),
    ("kubernetes", "deploy/k8s/servicemonitor.yaml", "serverName: rapport.rapport.svc",
     "serverName: rapport.example.org"),
    ("kubernetes", "deploy/k8s/networkpolicy.yaml", "app.kubernetes.io/name: prometheus",
     "app.kubernetes.io/name: grafana"),
    ("kubernetes", "deploy/k8s/networkpolicy.yaml",
     "    - ports:\n        - port: metrics\n          protocol: TCP\n      from:",
     "    - ports:\n        - port: 9465\n          protocol: TCP\n      from:"),
    ("kubernetes", "deploy/k8s/kustomization.yaml", "  - networkpolicy.yaml\n", ""),
    ("secrets", "deploy/k8s/metrics-key-secret.yaml", "key: REPLACE_WITH_METRICS_KEY",
     "key: rpk_k3y1d_" + "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0"),
    ("secrets", "deploy/k8s/certificate.yaml", "# Needs cert-manager",
     "# -----BEGIN " + "PRIVATE KEY-----\n# Needs cert-manager"),
    ("auth-config", "deploy/k8s/auth-configmap.yaml", '"memberClaim": "sub"', '"member_claims": "sub"'),
    ("auth-config", "deploy/k8s/auth-configmap.yaml", '"rapport-reps": "rep"', '"rapport-reps": "salesrep"'),
    ("auth-config", "docs/security.md",
     '"jwksFile": "/etc/rapport/jwks/entra.json",\n      "algorithms": ["RS256"]',
     '"jwksFile": "/etc/rapport/jwks/entra.json",\n      "algorithms": ["HS256"]'),
    ("auth-config", "docs/security.md", '"uriSan": "spiffe://acme.example/ns/crm/sa/crm-sync"',
     '"uri": "spiffe://acme.example/ns/crm/sa/crm-sync"'),
    ("systemd", "deploy/systemd/rapportd.service", "LoadCredential=tls.key:/etc/rapport/tls/tls.key\n", ""),
    ("systemd", "deploy/systemd/rapportd.service", "--tls_cert_file=%d/tls.crt",
     "--tls_cert_file=/etc/rapport/tls/tls.crt"),
    ("systemd", "deploy/systemd/rapport-jwks.timer", "OnUnitActiveSec=1h", "OnUnitActiveSec=soon"),
    ("dockerfile", "deploy/Dockerfile", '"--tls_cert_file=/etc/rapport/tls/tls.crt", ', ""),
    ("security-docs", "docs/security.md", "`GetOutreachEffectiveness`", "GetOutreachEffectiveness"),
    ("security-docs", "docs/security.md", "`keys.manage`", "keys management"),
    ("install-deps", "deploy/install-deps.sh", " prometheus-alertmanager ", " "),
    ("docs", "docs/alerts.md", "`RapportMemberInactive`", "`the inactivity alert`"),
]


def run_check(root, only=None):
    cmd = [sys.executable, CHECK, "--root", root]
    if only:
        cmd += ["--only", only]
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=os.path.abspath(os.path.join(HERE, "..", "..")))
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()

    failures = []
    with tempfile.TemporaryDirectory(prefix="rapport-deploy-selftest-") as tmp:
        pristine = os.path.join(tmp, "pristine")
        for item in COPIED:
            src, dst = os.path.join(args.root, item), os.path.join(pristine, item)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            (shutil.copytree if os.path.isdir(src) else shutil.copy2)(src, dst)
        r = run_check(pristine)
        if r.returncode != 0:
            print(r.stdout)
            print("selftest: the unbroken copy does not pass; fix that first")
            return 1
        for check, rel, old, new in MUTATIONS:
            target = os.path.join(pristine, rel)
            with open(target, encoding="utf-8") as f:
                text = f.read()
            what = f"{check}: {rel}: {old!r} -> {new!r}"
            if text.count(old) != 1:
                failures.append(f"{what}: the text occurs {text.count(old)} times (expected once)")
                continue
            try:
                with open(target, "w", encoding="utf-8") as f:
                    f.write(text.replace(old, new))
                r = run_check(pristine, check)
            finally:
                with open(target, "w", encoding="utf-8") as f:
                    f.write(text)
            if r.returncode == 0 or f"FAIL {check}:" not in r.stdout:
                failures.append(f"{what}: check {check} did not fail")
                if args.verbose:
                    print(r.stdout)
            else:
                print(f"ok   broken -> {what}")
                if args.verbose:
                    print("    " + r.stdout.strip().replace("\n", "\n    "))
    for f in failures:
        print(f"FAIL {f}")
    print(f"\n{len(MUTATIONS) - len(failures)}/{len(MUTATIONS)} breakages caught")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
