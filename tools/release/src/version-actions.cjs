// nx release's version actions for this workspace's npm packages. Nx's own live in @nx/js, which is not published
// for Nx 24 on the registry this project uses; these do the same for plain package.json manifests: read and write
// `version`, and move the ranges that other workspace packages hold on a released one (keeping `^`/`~`).
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');
const { VersionActions } = require('nx/release');

const SECTIONS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

function readManifest(tree, path) {
  return JSON.parse(tree.read(path, 'utf-8'));
}

function writeManifest(tree, path, manifest) {
  tree.write(path, `${JSON.stringify(manifest, null, 2)}\n`);
}

function packageNameOf(tree, projectGraph, projectName) {
  const node = projectGraph.nodes[projectName];
  return readManifest(tree, join(node.data.root, 'package.json')).name;
}

class PackageJsonVersionActions extends VersionActions {
  validManifestFilenames = ['package.json'];

  manifestPaths() {
    const listed = this.manifestsToUpdate.map((m) => m.manifestPath);
    return listed.length > 0 ? listed : [join(this.projectGraphNode.data.root, 'package.json')];
  }

  async readCurrentVersionFromSourceManifest(tree) {
    const manifestPath = join(this.projectGraphNode.data.root, 'package.json');
    return { currentVersion: readManifest(tree, manifestPath).version, manifestPath };
  }

  async readCurrentVersionFromRegistry(tree, metadata) {
    const { name } = readManifest(tree, join(this.projectGraphNode.data.root, 'package.json'));
    const tag = metadata?.tag ?? 'latest';
    const currentVersion = execFileSync('npm', ['view', `${name}@${tag}`, 'version'], {
      encoding: 'utf8',
    }).trim();
    return { currentVersion: currentVersion || null, logText: `npm view ${name}@${tag}` };
  }

  async readCurrentVersionOfDependency(tree, projectGraph, dependencyProjectName) {
    const manifest = readManifest(tree, join(this.projectGraphNode.data.root, 'package.json'));
    const name = packageNameOf(tree, projectGraph, dependencyProjectName);
    for (const section of SECTIONS) {
      const range = manifest[section]?.[name];
      if (range !== undefined) return { currentVersion: range, dependencyCollection: section };
    }
    return { currentVersion: null, dependencyCollection: null };
  }

  async updateProjectVersion(tree, newVersion) {
    const logs = [];
    for (const path of this.manifestPaths()) {
      const manifest = readManifest(tree, path);
      manifest.version = newVersion;
      writeManifest(tree, path, manifest);
      logs.push(`✍️  New version ${newVersion} written to manifest: ${path}`);
    }
    return logs;
  }

  async updateProjectDependencies(tree, projectGraph, dependenciesToUpdate) {
    const logs = [];
    const updates = Object.entries(dependenciesToUpdate).map(([project, version]) => [
      packageNameOf(tree, projectGraph, project),
      version,
    ]);
    for (const path of this.manifestPaths()) {
      const manifest = readManifest(tree, path);
      let changed = 0;
      for (const section of SECTIONS) {
        for (const [name, version] of updates) {
          const range = manifest[section]?.[name];
          if (range === undefined) continue;
          const prefix = /^[~^]/.exec(range)?.[0] ?? '';
          manifest[section][name] = `${prefix}${version}`;
          changed++;
        }
      }
      if (changed > 0) {
        writeManifest(tree, path, manifest);
        logs.push(`✍️  Updated ${changed} dependency range(s) in manifest: ${path}`);
      }
    }
    return logs;
  }
}

/** The lockfile records each workspace package's version: refresh it, or `npm ci` fails after a release. */
async function afterAllProjectsVersioned(cwd, { dryRun }) {
  if (dryRun) return { changedFiles: [], deletedFiles: [] };
  execFileSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd,
    stdio: 'inherit',
  });
  return { changedFiles: ['package-lock.json'], deletedFiles: [] };
}

module.exports = PackageJsonVersionActions;
module.exports.afterAllProjectsVersioned = afterAllProjectsVersioned;
module.exports.default = PackageJsonVersionActions;
