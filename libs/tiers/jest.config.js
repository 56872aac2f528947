module.exports = { ...require('../../jest.preset.js'), displayName: 'tiers', rootDir: __dirname };
