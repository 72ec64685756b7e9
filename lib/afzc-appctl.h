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

#ifndef AFZC_APPCTL_H
#define AFZC_APPCTL_H 1

/* The afzc/... ovs-appctl commands: afzc/show, afzc/umem-show and
 * afzc/clear-stats.  vswitchd/ registers them; they read the ports through
 * netdev_afzc_lock_view() and format them with afzc-stats.
 *
 * Errors: a command that fails replies to its client with an error;
 * nothing here returns one. */

void afzc_appctl_register(void);

#endif /* afzc-appctl.h */
