// Plain JavaScript on purpose: it must run, and explain, on any Node version.
const major = Number(process.versions.node.split('.')[0])
if (major < 24) {
  console.error(
    `The band platform needs Node.js 24 or newer; this is Node.js ${process.versions.node}.\n` +
      'Install Node 24 LTS (for example: npm install -g node@24, or from https://nodejs.org) and try again.',
  )
  process.exit(1)
}
