#!/usr/bin/env python3
"""The leaderboard page as a sales manager sees it: the real rapportd with the
demo organisation loaded by the CLI, the page loaded in headless Chromium.
Checks the teams, the order within each team, the decliners (as the server's
ListDecliningMembers reports them) and the arrows, then keeps a screenshot.

  leaderboard_page_test.py --rapportd PATH --cli PATH --artifacts DIR
      [--chromium /usr/bin/chromium]
"""

import argparse
import datetime
import html.parser
import json
import os
import struct
import sys
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
import zlib

import rapport_e2e as e2e

ARGS = None
DEMO_MEMBERS = 24
DECLINE_POINTS = 5
UP, DOWN = "\u25B2", "\u25BC"


class Page(html.parser.HTMLParser):
    """What the page shows: team sections with their member rows (data-*
    attributes and cell texts), the team summary and the attention list."""

    def __init__(self, text):
        super().__init__()
        self.body = {}
        self.sections = []  # [{"team": str, "rows": [row, ...]}]
        self.summary = {}  # team -> data-* of its summary row
        self.decliners = []  # Member ids of the "needs attention" list.
        self._section = self._row = self._cell = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.body = a
        elif tag == "section":
            self._section = None
            if "data-team" in a:
                self._section = {"team": a["data-team"], "rows": []}
                self.sections.append(self._section)
        elif tag == "tr" and "data-member" in a and self._section:
            self._row = {"data": a, "cells": []}
            self._section["rows"].append(self._row)
        elif tag == "tr" and "data-decliner" in a:
            self.decliners.append(a["data-decliner"])
        elif tag == "tr" and "data-team-summary" in a:
            self.summary[a["data-team-summary"]] = a
        elif tag == "td" and self._row is not None:
            self._cell = [a.get("class", ""), ""]
            self._row["cells"].append(self._cell)

    def handle_endtag(self, tag):
        if tag == "tr":
            self._row = self._cell = None
        elif tag == "td":
            self._cell = None
        elif tag == "section":
            self._section = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[1] += data

    def teams(self):
        return {s["team"]: s["rows"] for s in self.sections}


def instant(text):
    """An RFC 3339 UTC time as (seconds part, nanoseconds), so that absl's
    and protobuf's spellings of one instant compare equal."""
    text = text.removesuffix("Z").removesuffix("+00:00")
    seconds, _, fraction = text.partition(".")
    return seconds, int((fraction or "0").ljust(9, "0")[:9])


def cell(row, css_class):
    """The text of the row's cell whose class list holds css_class."""
    for classes, text in row["cells"]:
        if css_class in classes.split():
            return text.strip()
    raise AssertionError(f"no {css_class} cell in {row['data']}")


def png_summary(path):
    """(width, height, distinct colours in a sample of rows) of an 8-bit RGB
    or RGBA non-interlaced PNG, decoded with zlib alone."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    colours = set()
    for y in range(height):
        line = raw[y * (stride + 1):(y + 1) * (stride + 1)]
        kind, cur = line[0], bytearray(line[1:])
        for i in range(stride):
            left = cur[i - bpp] if i >= bpp else 0
            up = prev[i]
            up_left = prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                cur[i] = (cur[i] + left) & 0xFF
            elif kind == 2:
                cur[i] = (cur[i] + up) & 0xFF
            elif kind == 3:
                cur[i] = (cur[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                pred = left if pa <= pb and pa <= pc else (
                    up if pb <= pc else up_left)
                cur[i] = (cur[i] + pred) & 0xFF
        if y % 25 == 0:
            for x in range(0, stride, bpp):
                colours.add(bytes(cur[x:x + 3]))
        prev = cur
    return width, height, len(colours)


class LeaderboardPageTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.dir = e2e.temp_dir()
        cls.server = e2e.Rapportd(
            ARGS.rapportd, os.path.join(cls.dir, "rapport.db"),
            extra_args=["--score_refresh=0s", "--history_interval=0s",
                        f"--decline_points={DECLINE_POINTS}"])
        cls.server.start()
        cls.base = f"http://127.0.0.1:{cls.server.metrics_port}/"
        end = (datetime.datetime.now(datetime.timezone.utc) -
               datetime.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        cls.cli("demo", f"--members={DEMO_MEMBERS}", "--days=30",
                "--seed=1", f"--end_time={end}")
        cls.wait_for_scores()
        cls.page = Page(cls.chromium("--dump-dom", cls.base))

    @classmethod
    def tearDownClass(cls):
        e2e.stop_server(cls.server, cls.dir)

    @classmethod
    def cli(cls, *args):
        return e2e.run_cli(ARGS.cli, cls.server.address, *args).stdout

    @classmethod
    def cli_json(cls, *args):
        return json.loads(cls.cli("--json", *args))

    @classmethod
    def fetch(cls, path, method="GET"):
        request = urllib.request.Request(cls.base.rstrip("/") + path,
                                         method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    @classmethod
    def wait_for_scores(cls):
        deadline = time.time() + 60
        while time.time() < deadline:
            status, _, body = cls.fetch("/")
            if status == 200 and Page(body.decode()).body.get(
                    "data-members") == str(DEMO_MEMBERS):
                return
            time.sleep(0.2)
        raise AssertionError(f"scores never appeared: {cls.server.log()}")

    @classmethod
    def now_answer(cls, *args):
        """The CLI's JSON answer about now, from the board the page shows:
        when the server's board moved on meanwhile (the UTC day turned), the
        page is fetched again. A past as_of would be answered from the
        daily history's board of the day before, not the page's."""
        for _ in range(3):
            out = cls.cli_json(*args)
            if instant(out.get("asOf", "")) == instant(
                    cls.page.body["data-as-of"]):
                return out
            cls.page = Page(cls.chromium("--dump-dom", cls.base))
        raise AssertionError(f"the board kept changing: {args}")

    @classmethod
    def chromium(cls, *args):
        """Runs headless Chromium in a fresh profile; returns its stdout."""
        return e2e.run_chromium(ARGS.chromium, cls.dir, "--hide-scrollbars",
                                *args)

    def test_every_team_is_shown(self):
        members = self.cli_json("list-members", "--all")["members"]
        teams = {m["team"] for m in members}
        self.assertGreater(len(teams), 1)
        self.assertEqual(set(self.page.teams()), teams)
        self.assertEqual(set(self.page.summary), teams)
        for team, rows in self.page.teams().items():
            size = sum(1 for m in members if m["team"] == team)
            self.assertEqual(len(rows), size, team)
            self.assertEqual(self.page.summary[team]["data-members"], str(size))

    def test_rows_are_ordered_by_ssi_as_the_server_ranks_them(self):
        for team in list(self.page.teams()):
            entries = self.now_answer("leaderboard", f"--team={team}",
                                      "--page_size=100")["entries"]
            rows = self.page.teams()[team]
            ssi = [float(r["data"]["data-ssi"]) for r in rows]
            self.assertEqual(ssi, sorted(ssi, reverse=True), team)
            self.assertEqual([r["data"]["data-member"] for r in rows],
                             [e["memberId"] for e in entries], team)
            for row, entry in zip(rows, entries):
                self.assertAlmostEqual(float(row["data"]["data-ssi"]),
                                       entry["total"], delta=0.051)
                self.assertEqual(cell(row, "ssi"),
                                 row["data"]["data-ssi"])
                self.assertEqual(row["data"]["data-rank"], str(entry["rank"]))
                self.assertEqual(cell(row, "rank"), str(entry["rank"]))

    def test_forecast_cells_agree_with_the_servers_scores(self):
        for rows in self.page.teams().values():
            for row in rows[:4]:
                member = row["data"]["data-member"]
                for _ in range(3):
                    score = self.cli_json("score", member)["score"]
                    # Forecasts change only when the UTC day turns.
                    if score["asOf"][:10] == self.page.body["data-as-of"][:10]:
                        break
                    type(self).page = Page(
                        self.chromium("--dump-dom", self.base))
                week = score["forecasts"][0]
                self.assertEqual(week["horizonDays"], 7)
                self.assertAlmostEqual(
                    float(row["data"]["data-forecast-change"]),
                    week["total"] - score.get("total", 0.0), delta=0.051)
                below = score.get("belowFloorTime", "")[:10]
                self.assertEqual(row["data"]["data-below-floor"], below, member)
                self.assertEqual(f"on {below}" in cell(row, "flag"),
                                 bool(below), member)

    def test_the_servers_decliners_are_flagged(self):
        expected = {m["memberId"] for m in self.now_answer(
            "decliners", f"--min_drop={DECLINE_POINTS}", "--period_days=7",
            "--page_size=100").get("members", [])}
        # The demo's decliner persona makes this non-empty.
        self.assertTrue(expected)
        flagged, badged = set(), set()
        for rows in self.page.teams().values():
            for row in rows:
                member = row["data"]["data-member"]
                if row["data"]["data-declining"] == "true":
                    flagged.add(member)
                if cell(row, "flag").split()[:1] == ["declining"]:
                    badged.add(member)
        self.assertEqual(flagged, expected)
        self.assertEqual(badged, expected)
        self.assertEqual(set(self.page.decliners), expected)
        for team, summary in self.page.summary.items():
            self.assertEqual(
                summary["data-declining"],
                str(sum(1 for r in self.page.teams()[team]
                        if r["data"]["data-member"] in expected)))

    def test_arrows_follow_the_servers_7_day_change(self):
        seen = set()
        for team in list(self.page.teams()):
            entries = {e["memberId"]: e for e in self.now_answer(
                "leaderboard", f"--team={team}", "--page_size=100")["entries"]}
            rows = self.page.teams()[team]
            for row in rows:
                change = entries[row["data"]["data-member"]].get("change7d", 0)
                self.assertAlmostEqual(float(row["data"]["data-change"]),
                                       change, delta=0.051)
                text = cell(row, "chg")
                shown = round(change, 1)
                if shown > 0:
                    self.assertTrue(text.startswith(UP), text)
                    self.assertIn("up", cell_classes(row, "chg"))
                elif shown < 0:
                    self.assertTrue(text.startswith(DOWN), text)
                    self.assertIn("down", cell_classes(row, "chg"))
                else:
                    self.assertNotIn(UP, text)
                    self.assertNotIn(DOWN, text)
                seen.add(row["data"]["data-trend"])
        self.assertTrue({"up", "down"} <= seen, seen)

    def test_team_view_unknown_team_and_metrics(self):
        team = sorted(self.page.teams())[0]
        page = Page(self.chromium("--dump-dom", self.base + "?team=" +
                                  urllib.parse.quote(team)))
        self.assertEqual(page.body.get("data-view"), "team")
        self.assertEqual(list(page.teams()), [team])
        self.assertEqual([r["data"]["data-member"] for r in page.teams()[team]],
                         [r["data"]["data-member"]
                          for r in self.page.teams()[team]])
        status, headers, body = self.fetch("/?team=" +
                                           urllib.parse.quote("<nobody>"))
        self.assertEqual(status, 404)
        self.assertIn(b"&lt;nobody&gt;", body)
        self.assertNotIn(b"<nobody>", body)
        status, headers, body = self.fetch("/metrics")
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"],
                         "text/plain; version=0.0.4; charset=utf-8")
        self.assertIn(b"rapport_ingest_events_total", body)
        self.assertEqual(self.fetch("/", method="POST")[0], 405)

    def test_screenshot(self):
        os.makedirs(ARGS.artifacts, exist_ok=True)
        path = os.path.join(ARGS.artifacts, "leaderboard.png")
        if os.path.exists(path):
            os.remove(path)
        self.chromium(f"--screenshot={path}", "--window-size=1280,2000",
                      self.base)
        self.assertTrue(os.path.exists(path))
        width, height, colours = png_summary(path)
        self.assertEqual((width, height), (1280, 2000))
        # A blank or error page has a handful of colours; the leaderboard's
        # bars, badges and text have many.
        self.assertGreater(colours, 50)


def cell_classes(row, css_class):
    for classes, _ in row["cells"]:
        if css_class in classes.split():
            return classes.split()
    return []


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--rapportd", required=True)
    parser.add_argument("--cli", required=True)
    parser.add_argument("--artifacts", required=True)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
