#pragma once
// The message of the DataError an action throws, for tests that check what a user reads.

#include <gtest/gtest.h>

#include <string>

#include "nmt/data/data_error.h"

namespace nmt::data::testing {

// Fails the test (and returns "") when `action` throws no DataError.
template <class Action>
std::string data_error_message(Action&& action) {
  try {
    action();
  } catch (const DataError& error) {
    return error.what();
  }
  ADD_FAILURE() << "expected a DataError";
  return {};
}

}  // namespace nmt::data::testing
