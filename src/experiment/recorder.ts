/**
 * The run's records in its run directory, kept by listening to what the controller machine
 * emits: `experiment.json` (and `controller.json`) at each deploy, one `events.ndjson` line
 * per state change, condition report, failed try, interruption and resume, and at the end `summary.json`
 * and the timeline. Nothing is written before the first deploy (or resume): a controller
 * that never deployed leaves no run directory behind.
 */
import type { ControllerActor } from '../../machines/controller.js';
import { toChangeRecord, toConditionRecord, toEventRecord, toInterruptRecord, toTryRecord } from '../run/event-record.js';
import type { RunDirectory } from '../run/run-directory.js';
import type { RunSummary } from '../run/summary.js';
import { writeRunTimeline } from '../timeline/write.js';
import { fileURLToPath } from 'node:url';
import type { TypeRegistry } from '../resources/registry.js';
import type { ExperimentDescription, ExperimentFileDescription } from './description.js';
import { writeControllerRecord } from '../run/controller-record.js';
import { CREDENTIAL_MASK, maskedChange } from '../resources/attributes.js';

export interface Recorder {
  /** The run ended: write its summary and timeline (when it was deployed), close the event log. */
  close(summary: RunSummary): Promise<void>;
}

/** What the recorder reads of the experiment. */
export interface RecordedExperiment {
  describe(): ExperimentDescription;
  /** The type of a resource, for the records. */
  typeOf(guid: string): string | undefined;
  /** Where its types are looked up: the types modules they came from are recorded too. */
  readonly registry?: TypeRegistry;
  /** Whether attribute `name` of `guid` is a credential: its values are recorded as `***`. */
  isCredential?(guid: string, name: string): boolean;
}

/**
 * The experiment as experiment.json holds it: its description, and in `types` the files of the
 * types modules its resources' types came from (see type-modules.ts), which a resume loads again.
 */
export function recordedDescription(description: ExperimentDescription, registry: TypeRegistry | undefined): ExperimentFileDescription {
  const modules = new Set<string>();
  for (const { type } of Object.values(description.resources)) {
    const module = registry?.moduleOf(type);
    if (module !== undefined) modules.add(fileURLToPath(module));
  }
  return modules.size === 0 ? description : { expId: description.expId, types: [...modules], resources: description.resources };
}

/** Record the run of `controller` in `run` from its first deploy on. */
export function recordRun(controller: ControllerActor, run: RunDirectory, experiment: RecordedExperiment): Recorder {
  let deployed = false;
  const append = (record: object) => {
    if (deployed) run.appendEvent(record);
  };
  const subscriptions = [
    controller.on('deployed', () => {
      deployed = true;
      run.writeExperiment(recordedDescription(experiment.describe(), experiment.registry));
      writeControllerRecord(run.path);
    }),
    controller.on('resumed', ({ marker }) => {
      // deployed before the crash: experiment.json is there already
      deployed = true;
      append(marker);
    }),
    controller.on('resource.state', (event) => append(toEventRecord(event, experiment.typeOf(event.guid)))),
    controller.on('condition', (event) => {
      const secret = event.attribute !== undefined && experiment.isCredential?.(event.guid, event.attribute) === true;
      append(toConditionRecord(secret ? { ...event, value: CREDENTIAL_MASK } : event));
    }),
    controller.on('resource.changed', (event) => {
      const secret = experiment.isCredential?.(event.guid, event.name) === true;
      append(toChangeRecord(secret ? maskedChange(event) : event));
    }),
    controller.on('try', ({ report }) => append(toTryRecord(report, experiment.typeOf(report.guid)))),
    controller.on('interrupted', ({ interruption }) => append(toInterruptRecord(interruption))),
  ];
  return {
    async close(summary) {
      for (const subscription of subscriptions) subscription.unsubscribe();
      if (deployed) run.writeSummary(summary);
      run.close();
      if (deployed) await writeRunTimeline(run.path);
    },
  };
}

/** For a controller created with `record: false`: the run directory only holds what resources write. */
export function recordNothing(run: RunDirectory): Recorder {
  return {
    async close() {
      run.close();
    },
  };
}
