// gadehold stats export as a real process: the fixed schema (golden file), the 10-5 rule
// on every published row, the JSON twin, and the audit entry.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <tuple>

#include "support/process.hpp"
#include "support/programme.hpp"

using namespace gadehold;
using test::Programme;

namespace {

// A January 2027 in Centre: 12 check-ins (3 asking for support) and 11 notes on two
// patrols, one after the other (a volunteer is on one open patrol at a time); the
// fixture's clock starts on 2027-01-15.
void january(Programme& p) {
  for (int k = 0; k < 2; ++k) {
    const auto patrol = p.start_patrol(1 + k);
    for (int i = k; i < 12; i += 2) {
      p.app.ok(p.walker, p.check_in(100 + i, patrol, 55.6761, 12.5683,
                                    i % 4 == 0 ? v1::CHECK_IN_STATUS_NEED_SUPPORT : v1::CHECK_IN_STATUS_OK));
    }
    for (int i = k; i < 11; i += 2) p.app.ok(p.partner, p.note(200 + i, patrol));
    v1::ClientMessage end;
    end.set_request_id(14);
    end.mutable_end_patrol()->set_client_id(test::uuid(300 + k));
    end.mutable_end_patrol()->set_patrol_id(patrol);
    end.mutable_end_patrol()->set_ended_at_ms(p.app.clock().now_ms());
    p.app.ok(p.walker, end);
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out(1);
  for (char c : line) {
    if (c == sep) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("stats export: golden CSV, the 10-5 rule on every row, JSON twin, audit entry") {
  Programme p;
  january(p);
  const auto db = p.app.config().db;
  const std::vector<std::string> base{"stats",  "export", "--db",       db,     "--city",
                                      "Aarhus", "--from", "2027-01-01", "--to", "2027-01-31"};
  auto csv = test::run_gadehold(base);
  CAPTURE(csv.err);
  REQUIRE(csv.exit_code == 0);
  // The schema is fixed: a change to it must be deliberate (bump schema_version and
  // update docs/statistics-schema.md and this file).
  const auto golden_path = std::string(GADEHOLD_TEST_DATA_DIR) + "/golden_export.csv";
  if (std::getenv("GADEHOLD_UPDATE_GOLDEN") != nullptr)
    std::ofstream(golden_path, std::ios::binary) << csv.out;
  const auto golden = read_file(golden_path);
  CHECK(csv.out == golden);

  int published = 0, suppressed = 0;
  std::istringstream lines(csv.out);
  std::string line;
  std::getline(lines, line);
  CHECK(line == "schema_version,city,area,period_start,period_end,metric,category,value,suppressed");
  while (std::getline(lines, line)) {
    const auto f = split(line, ',');
    REQUIRE(f.size() == 9);
    CHECK(f[0] == "1");
    CHECK(f[1] == "Aarhus");
    CHECK(f[3] == "2027-01-01");
    CHECK(f[4] == "2027-01-31");
    const bool is_rate = f[5] == "notes_per_10_patrol_hours" || f[5] == "share_of_shifts_filled";
    if (f[8] == "true") {
      ++suppressed;
      CHECK(f[7].empty());
      continue;
    }
    ++published;
    CHECK(f[8] == "false");
    if (!is_rate) {
      const auto v = std::stol(f[7]);
      CAPTURE(line);
      CHECK(v >= 10);
      CHECK(v % 5 == 0);
    }
  }
  CHECK(published > 0);
  CHECK(suppressed > published);
  // 12 check-ins in Centre are published (as 10), the 3 asking for support are not.
  CHECK(csv.out.find("Centre,2027-01-01,2027-01-31,check_ins,,10,false") != std::string::npos);
  CHECK(csv.out.find("Centre,2027-01-01,2027-01-31,check_ins,need_support,,true") != std::string::npos);

  auto json_args = base;
  json_args.insert(json_args.end(), {"--format", "json", "--out", p.app.dir().file("export.json")});
  auto json = test::run_gadehold(json_args);
  REQUIRE(json.exit_code == 0);
  const auto doc = read_file(p.app.dir().file("export.json"));
  CHECK(doc.find("\"schema_version\":1") != std::string::npos);
  CHECK(
      doc.find("\"metric\":\"check_ins\",\"category\":\"need_support\",\"value\":null,\"suppressed\":true") !=
      std::string::npos);
  CHECK(p.count("SELECT COUNT(*) FROM audit_log WHERE action = 'stats.export'") == 2);

  for (const auto& bad : std::vector<std::vector<std::string>>{{"--period", "year"}, {"--format", "xml"}}) {
    auto args = base;
    args.insert(args.end(), bad.begin(), bad.end());
    CHECK(test::run_gadehold(args).exit_code == 2);
  }
  CHECK(test::run_gadehold({"stats", "frobnicate"}).exit_code == 2);
}

TEST_CASE("stats merge puts two cities' exports side by side and refuses other schema versions") {
  Programme aarhus;
  january(aarhus);
  Programme odense;  // quieter: nothing to publish
  const auto a_file = aarhus.app.dir().file("aarhus.csv");
  const auto o_file = odense.app.dir().file("odense.csv");
  for (auto [db, city, file] : {std::tuple{aarhus.app.config().db, "Aarhus", a_file},
                                std::tuple{odense.app.config().db, "Odense, Fyn", o_file}}) {
    auto r = test::run_gadehold({"stats", "export", "--db", db, "--city", city, "--from", "2027-01-01",
                                 "--to", "2027-01-31", "--out", file});
    REQUIRE(r.exit_code == 0);
  }
  auto merged = test::run_gadehold({"stats", "merge", a_file, o_file});
  CAPTURE(merged.err);
  REQUIRE(merged.exit_code == 0);
  CHECK(merged.out.rfind("period_start,area,metric,category,Aarhus,\"Odense, Fyn\"\n", 0) == 0);
  CHECK(merged.out.find("2027-01-01,Centre,check_ins,,10,*\n") != std::string::npos);
  CHECK(merged.out.find("2027-01-01,Centre,notes_per_10_patrol_hours,,*,*\n") != std::string::npos);
  auto md = test::run_gadehold({"stats", "merge", "--format", "markdown", a_file, o_file});
  REQUIRE(md.exit_code == 0);
  CHECK(md.out.find("| period_start | area | metric | category | Aarhus | Odense, Fyn |\n| --- |") == 0);

  // A file of another schema version is refused.
  auto text = read_file(o_file);
  std::size_t pos = 0;
  while ((pos = text.find("\n1,", pos)) != std::string::npos) text[pos + 1] = '2';
  const auto future = odense.app.dir().file("future.csv");
  std::ofstream(future, std::ios::binary) << text;
  auto refused = test::run_gadehold({"stats", "merge", a_file, future});
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("schema_version 2") != std::string::npos);
  CHECK(test::run_gadehold({"stats", "merge", a_file, a_file}).exit_code == 1);  // one city twice
  CHECK(test::run_gadehold({"stats", "merge"}).exit_code == 2);
}
