/**
 * `ExperimentController.load(path)` and `ec.save(path)`: the file layer's own calls, offered
 * on the controller too. The experiment layer knows nothing of files (files build on it, never
 * the other way), so this module adds them to the class when the files layer is loaded; the
 * `nepi` entry point always loads it.
 */
import { ExperimentController } from '../experiment/experiment-controller.js';
import { loadExperimentFile, type LoadOptions } from './load.js';
import { saveExperimentFile } from './save.js';

declare module '../experiment/experiment-controller.js' {
  interface ExperimentController {
    /** Write the experiment as registered to `path`: YAML for .yaml/.yml, JSON for .json. */
    save(path: string): Promise<void>;
  }
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace ExperimentController {
    /**
     * Build a controller from an experiment file (YAML or JSON), checked as a whole before it
     * returns: see docs/experiment-files.md. `options.expId` overrides the file's.
     */
    function load(path: string, options?: LoadOptions): Promise<ExperimentController>;
  }
}

Object.assign(ExperimentController, { load: loadExperimentFile });
Object.defineProperty(ExperimentController.prototype, 'save', {
  value(this: ExperimentController, path: string) {
    return saveExperimentFile(this, path);
  },
  writable: true,
  configurable: true,
});
