// The bounded load the reload and crash-restart scenarios drive (the tests' client, test/helpers/load.js).
export { startLoad } from '../test/helpers/load.js';
