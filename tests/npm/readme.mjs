// The README's "Use from JavaScript" example: its code and the output it shows.
import assert from "node:assert/strict";

/** The README section, its first `js` block and the `text` block after it. */
export function readmeExample(readme) {
  const start = readme.indexOf("\n## Use from JavaScript\n");
  assert.ok(start >= 0, "README.md has a `## Use from JavaScript` section");
  const rest = readme.slice(start + 1);
  const end = rest.indexOf("\n## ", 1);
  const section = end < 0 ? rest : rest.slice(0, end);
  const block = (lang, from = 0) => {
    const open = section.indexOf("\n```" + lang + "\n", from);
    assert.ok(open >= 0, `a \`\`\`${lang} block in the section`);
    const body = open + lang.length + 5;
    const close = section.indexOf("\n```\n", body - 1);
    return { text: section.slice(body, close + 1), end: close };
  };
  const code = block("js");
  const output = block("text", code.end);
  return { code: code.text, output: output.text };
}
