#include <iostream>

#include <boost/system/system_error.hpp>

#include "server/cli/commands.hpp"
#include "server/core/config.hpp"
#include "server/store/engine/database.hpp"
#include "server/store/engine/migrations.hpp"

namespace gadehold::cli {

int guarded(const std::string& command, int (*body)(const Args&), const Args& args) {
  try {
    return body(args);
  } catch (const core::UsageError& e) {
    std::cerr << "gadehold " << command << ": " << e.what() << '\n';
    return kExitUsage;
  } catch (const store::DatabaseFileError& e) {
    std::cerr << "gadehold " << command << ": " << e.what() << '\n';
    return kExitFailure;
  } catch (const store::SchemaTooNew& e) {
    std::cerr << "gadehold " << command << ": " << e.what() << '\n';
    return kExitFailure;
  } catch (const store::SqliteError& e) {
    std::cerr << "gadehold " << command << ": database error: " << e.what() << '\n';
    return kExitFailure;
  } catch (const boost::system::system_error& e) {
    std::cerr << "gadehold " << command << ": " << e.what() << '\n';
    return kExitFailure;
  } catch (const std::exception& e) {
    std::cerr << "gadehold " << command << ": unexpected error: " << e.what() << '\n';
    return kExitFailure;
  }
}

}  // namespace gadehold::cli
