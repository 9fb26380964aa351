/**
 * The examples that end every command's `--help`: two or three command lines each, with
 * what they do. Every command must have them (`addExamples` throws for one that has none,
 * so a new command without examples fails its first test).
 */
import type { Command } from 'commander';

type Example = readonly [line: string, what: string];

/** By command path: '' for `nepi` itself, 'campaign show' for a subcommand. */
const EXAMPLES: Readonly<Record<string, readonly Example[]>> = {
  '': [
    ['nepi run examples/fan-in.yaml', 'run an experiment file to its end'],
    ['nepi validate exp.yaml', 'check a file without running anything'],
    ['nepi run exp.yaml --help', "a command's options and examples"],
  ],
  run: [
    ['nepi run examples/fan-in.yaml', 'run it, then release everything; prints the run directory'],
    ['nepi run exp.yaml --ui --param rate=10mbit', 'with a live view in the browser, and a value for ${rate}'],
    ['nepi run exp.yaml --sweep rate=1,10 --min-runs 3 --max-runs 10 --metric "cat server/stdout"', 'a campaign: repeat each rate until the metric converges'],
  ],
  resume: [
    ['nepi resume nepi-runs/fan-in/20261204T101500-ab12cd34', 'go on with a run whose controller was killed'],
    ['nepi resume RUN_DIR --json', 'the same, printing state changes as NDJSON'],
  ],
  validate: [
    ['nepi validate exp.yaml', 'every problem with its line, column and the offending line'],
    ['nepi validate exp.yaml --sweep rate=1,10', 'check the file with each value of ${rate}'],
    ['nepi validate exp.yaml --types ./my-types.js', 'its resources may use the types of this module (or name it in `types:`)'],
  ],
  types: [
    ['nepi types', 'every resource type with its attributes and traces'],
    ['nepi types linux::Application', 'one type'],
    ['nepi types --types ./my-types.js', 'with the types of a types module of your own (NEPI_TYPES_PATH: of its folders)'],
  ],
  show: [
    ['nepi show nepi-runs/fan-in/20261204T101500-ab12cd34', "a past run's status, failures, resources and results"],
    ['nepi show "$(ls -d nepi-runs/fan-in/*/ | tail -1)"', 'the latest run of an experiment'],
    ['nepi show --expanded examples/topology-linear.yaml', 'the resources its topologies make, as YAML'],
  ],
  graph: [
    ['nepi graph exp.yaml -o graph.svg', 'resources, connections and conditions as SVG'],
    ['nepi graph exp.yaml | dot -Tpng > graph.png', 'the DOT text, for Graphviz'],
  ],
  plan: [
    ['nepi plan exp.yaml', 'when each resource would deploy, start and end; nothing runs'],
    ['nepi plan exp.yaml --json -o plan', 'the plan as JSON, the predicted timeline in ./plan'],
    ['nepi plan exp.yaml --sweep wait=1s,4s', 'one plan for each value of ${wait}'],
  ],
  timeline: [
    ['nepi timeline RUN_DIR', "redraw the run's timeline.html and timeline.svg"],
    ['nepi timeline RUN_DIR -o run.svg', 'only the SVG, where you want it'],
  ],
  clean: [
    ['nepi clean RUN_DIR', 'remove what a killed run left: processes, namespaces, links'],
    ['nepi clean --all', 'remove everything nepi created on this machine, and nothing else'],
  ],
  campaign: [
    ['nepi campaign show CAMPAIGN_DIR', 'its runs, metrics and intervals'],
    ['nepi campaign plot CAMPAIGN_DIR --x rate', 'the metric against a parameter, as SVG'],
    ['nepi campaign resume CAMPAIGN_DIR', 'go on after a crash or Ctrl-C'],
  ],
  'campaign resume': [
    ['nepi campaign resume CAMPAIGN_DIR', 'go on where it stopped, never repeating a finished run'],
    ['nepi campaign resume "$(ls -d nepi-runs/sweep/campaign-* | tail -1)"', 'the latest campaign of an experiment'],
  ],
  'campaign show': [
    ['nepi campaign show CAMPAIGN_DIR', 'every run with its metric, then each combination'],
    ['nepi campaign show CAMPAIGN_DIR | grep "did not converge"', 'the combinations that need more runs'],
  ],
  'campaign plot': [
    ['nepi campaign plot CAMPAIGN_DIR --x rate', 'writes CAMPAIGN_DIR/plot-rate.svg'],
    ['nepi campaign plot CAMPAIGN_DIR --x rate --log-x -o rate.svg --y-label Mbit/s', 'a log axis, a label, another file'],
  ],
  exec: [
    ['nepi exec RUN_DIR n1 -- ping -c 3 10.0.0.2', 'ping from node n1 of the running experiment'],
    ["nepi exec RUN_DIR n1 'ip -brief address | grep UP'", 'one argument is a command line for bash'],
    ['nepi exec RUN_DIR server -t -- top', 'with a terminal'],
  ],
  shell: [
    ['nepi shell RUN_DIR n1', "a shell on n1: in its namespace, over SSH, or here, in the run's folder"],
    ['nepi shell RUN_DIR remote --ssh-option UserKnownHostsFile=./known_hosts', 'with an OpenSSH option'],
  ],
  inspect: [
    ['nepi inspect RUN_DIR', 'every resource with its state; every node with its interfaces and addresses'],
    ['nepi inspect RUN_DIR --json', 'the same as JSON'],
  ],
  completion: [
    ['source <(nepi completion bash)', 'complete nepi in this bash (add it to ~/.bashrc to keep it)'],
    ['nepi completion zsh > "${fpath[1]}/_nepi"', 'install it for zsh'],
    ['nepi completion fish > ~/.config/fish/completions/nepi.fish', 'install it for fish'],
  ],
};

/** The path of `command` below the root: '' for the root, 'campaign show' for a subcommand. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** End the help of `program` and of every command below it with its examples. */
export function addExamples(program: Command): void {
  const visit = (command: Command) => {
    const path = commandPath(command);
    const examples = EXAMPLES[path];
    if (!examples) throw new Error(`nepi ${path}: no help examples (add them to src/cli/help-examples.ts)`);
    const width = Math.max(...examples.map(([line]) => line.length));
    const lines = examples.map(([line, what]) => (line.length > 72 ? `  $ ${line}\n      # ${what}` : `  $ ${line.padEnd(Math.min(width, 72))}  # ${what}`));
    command.addHelpText('after', `\nExamples:\n${lines.join('\n')}\n`);
    command.commands.forEach(visit);
  };
  visit(program);
}
