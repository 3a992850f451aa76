#!/usr/bin/env node
// Committed so the bin exists on a fresh clone: pnpm links every workspace bin at install time,
// before anything is built, and warns about a bin whose target (dist/) is missing.
import '../dist/cli.js';
