'use strict';
exports.twice = (n) => 2 * n;
exports.fail = (what) => {
  throw new TypeError(`job failed: ${what}`);
};
