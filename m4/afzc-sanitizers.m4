# afzc-sanitizers.m4 -- the --enable-sanitizers option of afzc's configure.
#
# Licensed under the Apache License, Version 2.0.

dnl AFZC_ENABLE_SANITIZERS
dnl
dnl Handles --enable-sanitizers.  When it is given, afzc's objects, our
dnl ovs-vswitchd, the benchmark tool and the test programs are compiled and
dnl linked with AddressSanitizer (and its LeakSanitizer) and
dnl UndefinedBehaviorSanitizer: AFZC_SANITIZER_CFLAGS, substituted, goes
dnl into AM_CFLAGS and AM_LDFLAGS.  The compiler must be able to link a
dnl program with them.
dnl
dnl Also substitutes AFZC_SANITIZERS (yes or no) for tests/atlocal, defines
dnl the C macro AFZC_SANITIZERS and the automake conditional
dnl AFZC_SANITIZERS, and warns when the Open vSwitch build tree was not
dnl compiled with AddressSanitizer, since then nothing that Open vSwitch's
dnl own code does to afzc's memory (or its own) is checked.
dnl
dnl Must come after AFZC_FIND_OVS, which sets OVS_BUILDDIR.
AC_DEFUN([AFZC_ENABLE_SANITIZERS], [
  AC_ARG_ENABLE([sanitizers],
    [AS_HELP_STRING([--enable-sanitizers],
                    [build with AddressSanitizer and UndefinedBehaviorSanitizer (for "make check-afzc-sanitizers")])],
    [AS_CASE([$enableval],
       [yes|no], [afzc_sanitizers=$enableval],
       [AC_MSG_ERROR([--enable-sanitizers takes no value (got '$enableval')])])],
    [afzc_sanitizers=no])

  AFZC_SANITIZER_CFLAGS=
  AS_IF([test "$afzc_sanitizers" = yes], [
    afzc_san_flags='-fsanitize=address,undefined -fno-omit-frame-pointer'
    AC_CACHE_CHECK([whether $CC links with $afzc_san_flags],
      [afzc_cv_cc_sanitizers], [
      afzc_save_CFLAGS=$CFLAGS
      afzc_save_LDFLAGS=$LDFLAGS
      CFLAGS="$CFLAGS $afzc_san_flags"
      LDFLAGS="$LDFLAGS $afzc_san_flags"
      AC_LINK_IFELSE([AC_LANG_PROGRAM([[#include <stdlib.h>]],
                                      [[free(malloc(1));]])],
        [afzc_cv_cc_sanitizers=yes], [afzc_cv_cc_sanitizers=no])
      CFLAGS=$afzc_save_CFLAGS
      LDFLAGS=$afzc_save_LDFLAGS
    ])
    AS_IF([test "$afzc_cv_cc_sanitizers" != yes],
      [AC_MSG_ERROR([$CC cannot link with $afzc_san_flags; install the sanitizer runtimes (gcc's libasan and libubsan come with Debian's gcc)])])
    AFZC_SANITIZER_CFLAGS=$afzc_san_flags
    AC_DEFINE([AFZC_SANITIZERS], [1],
      [Define to 1 when afzc is built with AddressSanitizer and UBSan.])

    AC_MSG_CHECKING([whether Open vSwitch was built with AddressSanitizer])
    AS_IF([grep '^CFLAGS = .*-fsanitize=[[a-z,]]*address' \
                "$OVS_BUILDDIR/Makefile" >/dev/null 2>&1],
      [AC_MSG_RESULT([yes])],
      [AC_MSG_RESULT([no])
       AC_MSG_WARN([$OVS_BUILDDIR was not compiled with -fsanitize=address: only afzc's own code is checked (utilities/afzc-build.sh --sanitizers builds a tree that is)])])
  ])
  AC_SUBST([AFZC_SANITIZER_CFLAGS])
  AC_SUBST([AFZC_SANITIZERS], [$afzc_sanitizers])
  AM_CONDITIONAL([AFZC_SANITIZERS], [test "$afzc_sanitizers" = yes])
])
