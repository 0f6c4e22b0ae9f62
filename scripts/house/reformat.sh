#!/bin/sh
# The second mechanical step of issue 15, after move.mjs: Biome formats the tree and applies its safe
# fixes, then `npm test` starts enforcing it (biome ci before tsc and vitest). One commit of its own.
set -e
cd "$(git rev-parse --show-toplevel)"
npx biome check --write .
npx biome check --write . # a second pass: a few files settle only then
node -e '
const fs = require("fs");
const p = JSON.parse(fs.readFileSync("package.json", "utf8"));
p.scripts.lint = "biome ci .";
p.scripts.test = "biome ci . && tsc --noEmit -p . && vitest run";
fs.writeFileSync("package.json", JSON.stringify(p, null, 2) + "\n");
'
npx biome format --write package.json
npx biome ci .
