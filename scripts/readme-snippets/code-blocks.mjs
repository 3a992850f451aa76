// Markdown code blocks: what the README check compiles and what the Next consumer copies into its app.

const LANGUAGES = new Set(['ts', 'tsx', 'typescript', 'js', 'javascript']);
const FENCE = /^```(\S*)\s*$/;
const PATH_COMMENT = /^\/\/ ([\w@.[\]/-]+\.(?:ts|tsx|js|mjs))\b/;

/** The TypeScript and JavaScript blocks of a Markdown text, in order: `{ language, code, path? }`. */
export function extractCodeBlocks(markdown) {
  const blocks = [];
  let current = null;
  for (const line of markdown.split('\n')) {
    const fence = FENCE.exec(line);
    if (current === null && fence !== null) {
      current = { language: fence[1], lines: [] };
    } else if (current !== null && line.startsWith('```')) {
      if (LANGUAGES.has(current.language)) {
        const code = current.lines.join('\n');
        const path = PATH_COMMENT.exec(current.lines[0] ?? '')?.[1];
        blocks.push({ language: current.language, code, path });
      }
      current = null;
    } else if (current !== null) {
      current.lines.push(line);
    }
  }
  return blocks;
}

/** Where a block goes in a project: the path its first line names, or `snippet-<n>.<ext>`. */
export function fileNameOf(block, index) {
  if (block.path !== undefined) return block.path;
  const extension = { tsx: 'tsx', js: 'js', javascript: 'js' }[block.language] ?? 'ts';
  return `snippet-${index + 1}.${extension}`;
}
