/** Experiment files: YAML or JSON descriptions of experiments, loaded, checked and saved. */
export { ExperimentFileError, formatProblem } from './experiment-file-error.js';
export type { ExperimentFileProblem } from './experiment-file-error.js';
export { parseExperiment } from './parse.js';
export type { ParseOptions, ParsedExperiment } from './parse.js';
export type { ExperimentFileDescription } from '../experiment/description.js';
import './controller-methods.js';
export { buildExperiment, loadExperimentFile, loadExperimentText } from './load.js';
export type { LoadOptions } from './load.js';
export { experimentFileFormat, formatExperiment, saveExperimentFile } from './save.js';
export type { ExperimentFileFormat } from './save.js';
export { experimentSchema, experimentSchemaText } from './schema.js';
export type { JsonSchema } from './schema.js';
export { formatPath } from './paths.js';
export { checkParameterName, substituteParameters } from './parameters.js';
export type { ParameterValue, Parameters } from './parameters.js';
export type { EntryPart, Locator, PathSegment, SourceEntry, SourcePosition } from './paths.js';
export { TOPOLOGY_KINDS } from './topologies.js';
export type { ExpandedTopology, ResourceTemplate, TopologyDescription, TopologyKind } from './topologies.js';
