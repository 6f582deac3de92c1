import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CompilerState,
  Extractor,
  ExtractorConfig,
  ExtractorLogLevel,
  type ExtractorMessage,
  type IConfigFile,
} from '@microsoft/api-extractor';
import { entryPointName, type Library, publishedLibraries } from './libraries.js';

/** The outcome for one entry point: whether its committed report matches the built declarations. */
export interface ApiReportResult {
  entryPoint: string;
  reportPath: string;
  changed: boolean;
  errors: string[];
}

function configFor(
  library: Library,
  declarationFile: string,
  reportName: string,
  tempFolder: string,
): IConfigFile {
  return {
    projectFolder: library.dir,
    mainEntryPointFilePath: join(library.dir, declarationFile),
    compiler: {
      // The declarations as a user's compiler sees them: no source condition, node resolution.
      overrideTsconfig: {
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2023'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: true,
          types: ['node'],
        },
        include: [join(library.dir, 'dist')],
      },
    },
    apiReport: {
      enabled: true,
      reportFileName: reportName,
      reportFolder: join(library.dir, 'api'),
      reportTempFolder: tempFolder,
    },
    newlineKind: 'lf',
    docModel: { enabled: false },
    dtsRollup: { enabled: false },
    tsdocMetadata: { enabled: false },
    messages: {
      // The reports record the surface; release tags and TSDoc syntax are not this project's conventions.
      extractorMessageReporting: {
        default: { logLevel: ExtractorLogLevel.Warning, addToApiReportFile: true },
        'ae-missing-release-tag': { logLevel: ExtractorLogLevel.None, addToApiReportFile: false },
        'ae-internal-missing-underscore': { logLevel: ExtractorLogLevel.None, addToApiReportFile: false },
      },
      tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
      compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Error } },
    },
  };
}

/**
 * Runs API Extractor on every entry point of every published library, against the built declarations in dist/.
 * `update`: write the reports (`npm run api:update`); otherwise compare with the committed ones and report changes.
 */
export function runApiReports(options: { update: boolean }): ApiReportResult[] {
  const results: ApiReportResult[] = [];
  const tempFolder = mkdtempSync(join(tmpdir(), 'keyslot-api-'));
  try {
    for (const library of publishedLibraries()) {
      const entries = library.entryPoints.map((entryPoint) => {
        const reportName = `${entryPointName(library, entryPoint)}.api.md`;
        const configObject = configFor(library, entryPoint.types, reportName, tempFolder);
        const config = ExtractorConfig.prepare({
          configObject,
          configObjectFullPath: undefined,
          packageJsonFullPath: join(library.dir, 'package.json'),
        });
        return { entryPoint, reportName, config };
      });
      if (options.update) mkdirSync(join(library.dir, 'api'), { recursive: true });
      // One compiler program per library, shared by its entry points.
      const [first] = entries;
      if (!first) continue;
      const compilerState = CompilerState.create(first.config, {
        additionalEntryPoints: entries.map((entry) => entry.config.mainEntryPointFilePath),
      });
      for (const { entryPoint, reportName, config } of entries) {
        const errors: string[] = [];
        const result = Extractor.invoke(config, {
          localBuild: options.update,
          compilerState,
          messageCallback: (message: ExtractorMessage) => {
            const reportNotice = message.messageId.startsWith('console-api-report');
            if (
              !reportNotice &&
              (message.logLevel === ExtractorLogLevel.Error || message.logLevel === ExtractorLogLevel.Warning)
            )
              errors.push(message.formatMessageWithLocation(library.dir));
            message.handled = true;
          },
        });
        const reportPath = join(library.dir, 'api', reportName);
        // Compared (and written) without the source positions of its notes: moving code is not an API change.
        const report = withoutPositions(readFileSync(join(tempFolder, reportName), 'utf8'));
        if (options.update) writeFileSync(reportPath, report);
        results.push({
          entryPoint:
            entryPoint.subpath === '.' ? library.name : `${library.name}/${entryPoint.subpath.slice(2)}`,
          reportPath,
          changed:
            !options.update &&
            result.apiReportChanged &&
            (!existsSync(reportPath) || readFileSync(reportPath, 'utf8') !== report),
          errors,
        });
      }
    }
  } finally {
    rmSync(tempFolder, { recursive: true, force: true });
  }
  return results;
}

/** A report's notes name where they point (`// src/file.ts:181:3 - ...`); the line and column change with any edit. */
function withoutPositions(report: string): string {
  return report.replace(/^(\/\/ [^\s:]+):\d+:\d+ - /gm, '$1 - ');
}
