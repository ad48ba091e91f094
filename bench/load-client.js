// The bounded load the reload and crash-restart scenarios drive (the tests' client, test/helpers/listen-load.js).
export { startLoad } from '../test/helpers/listen-load.js';
