// Tests import internal modules, not only the package's entry points: register the built-in
// backends as every entry point does.
import '../src/backends/index.js';
