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

#ifndef AFZC_DEV_H
#define AFZC_DEV_H 1

/* What afzc needs to know about a Linux network device before it puts
 * AF_XDP sockets on it: its driver, its queues, its NUMA node and whether
 * its driver does AF_XDP zero-copy, and whether it can transmit frames that
 * XDP redirects to it from a zero-copy queue.
 *
 * Errors: afzc_dev_query_zerocopy() and afzc_dev_probe_zerocopy() return 0
 * or a positive errno value; the other functions cannot fail and return a
 * neutral value (an empty string, 0) when the device does not tell. */

#include <stdbool.h>
#include <stddef.h>

void afzc_dev_driver(const char *name, char *driver, size_t size);
int afzc_dev_n_rx_queues(const char *name);
int afzc_dev_numa_id(const char *name);
int afzc_dev_query_zerocopy(int ifindex);
int afzc_dev_probe_zerocopy(const char *name, int ifindex);
bool afzc_dev_takes_zc_redirects(int ifindex);

#endif /* afzc-dev.h */
