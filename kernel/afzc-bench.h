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

#ifndef AFZC_BENCH_H
#define AFZC_BENCH_H 1

/* What the XDP programs of the benchmark (kernel/afzc-bench.bpf.c) and its
 * user-space side (utilities/afzc-bench/) share.  Plain C, compiled both
 * for the host and for -target bpf. */

/* Slots of the bench_counts map, a per-CPU array of 64-bit counters. */
enum bench_counter {
    BENCH_PACKETS,              /* Frames seen by the program. */
    BENCH_BYTES,                /* Their bytes, from data to data_end. */
    BENCH_FAILED,               /* Redirects the helper refused. */
    BENCH_N_COUNTERS
};

#endif /* afzc-bench.h */
