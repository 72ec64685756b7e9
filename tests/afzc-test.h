/*
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at:
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

#ifndef AFZC_TEST_H
#define AFZC_TEST_H 1

/* What the afzc unit tests (tests/test-afzc-*.c, run as ovstest-afzc
 * commands by tests/afzc-unit.at) share. */

#include "util.h"

/* Fails the running test, with where and what, unless 'COND' holds.
 * Unlike ovs_assert(), it is never compiled out. */
#define AFZC_TEST_ASSERT(COND)                                          \
    do {                                                                \
        if (!(COND)) {                                                  \
            ovs_fatal(0, "%s:%d: check failed: %s", __FILE__, __LINE__, \
                      #COND);                                           \
        }                                                               \
    } while (0)

#endif /* afzc-test.h */
