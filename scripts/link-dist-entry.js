// CONTRACT §1 names dist/main.js as the entry point. The build keeps migrations/ beside src/,
// so tsc emits dist/src/main.js; this writes the stable entry that loads it.
require('node:fs').writeFileSync(
  require('node:path').join(__dirname, '..', 'dist', 'main.js'),
  "require('./src/main');\n",
);
