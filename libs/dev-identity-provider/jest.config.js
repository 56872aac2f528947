module.exports = { ...require('../../jest.preset.js'), displayName: 'dev-identity-provider', rootDir: __dirname };
