#pragma once
// One function per subcommand. Each takes the arguments after the subcommand's name
// and returns the process exit code: 0 ok, 1 failure, 2 bad usage.
#include <cstdint>
#include <string>
#include <vector>

namespace gadehold::store {
class Connection;
}

namespace gadehold::cli {

using Args = std::vector<std::string>;

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

int serve(const Args& args);
int init(const Args& args);
int check(const Args& args);
int invite(const Args& args);
int revoke(const Args& args);
int scrub(const Args& args);
int shifts(const Args& args);
int purge(const Args& args);
int backup(const Args& args);
int restore(const Args& args);
int stats(const Args& args);

// Creates an invite in its own transaction and returns the code. Throws
// core::UsageError for a missing or unwanted team.
std::string issue_invite(store::Connection& conn, int role, const std::string& team_name, unsigned valid_hours,
                         std::int64_t now_ms);

// Runs `body`, turning exceptions into a one-line message on stderr and an exit code.
int guarded(const std::string& command, int (*body)(const Args&), const Args& args);

}  // namespace gadehold::cli
