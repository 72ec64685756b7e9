#! /bin/sh
# Generates configure and the Makefile.in files from configure.ac and
# Makefile.am.  Run once after a fresh clone.
set -e
autoreconf --install --force
