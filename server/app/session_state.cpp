#include "server/app/session_state.hpp"

#include <algorithm>

namespace gadehold::app {

bool Principal::leads(const std::string& team_id) const {
  return std::find(lead_team_ids.begin(), lead_team_ids.end(), team_id) != lead_team_ids.end();
}

bool Principal::member_of(const std::string& team_id) const {
  return std::find(team_ids.begin(), team_ids.end(), team_id) != team_ids.end();
}

}  // namespace gadehold::app
