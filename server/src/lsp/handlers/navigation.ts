/**
 * Navigation: textDocument/documentSymbol (the outline: sections, then entries by logical id with
 * their type as detail), textDocument/definition and textDocument/references for `Ref`,
 * `Fn::GetAtt`, `${X}` in `Fn::Sub`, condition names, `DependsOn` and `Fn::FindInMap` (the engine's
 * `navigation/`). A small document's analysis of the version is reused; a large one is answered by
 * the analysis worker, which holds its syntax tree (the main thread never parses 1 MB for it).
 */
import type { DocumentSymbol, Location, Range } from 'vscode-languageserver';
import { navigate, navigationOf, type NavigationResult } from '../../engine';
import { fileNameOf } from '../analyzer';
import { isCdkSourceName } from '../cdk';
import { WORKER_THRESHOLD } from '../lintWorker';
import { answerNavigation, type NavigationAnswer, type NavigationQuery } from '../navigation';
import type { HandlerGroup } from './handler';

/** How long a request waits for a large document's analysis of its version (ms). */
const ANALYSIS_WAIT_MS = 30_000;
/** Documents whose navigation the main thread keeps (each holds its syntax tree). */
const NAVIGATIONS_KEPT = 8;

export const navigationHandlers: HandlerGroup = {
  name: 'navigation',
  capabilities: { documentSymbolProvider: { label: 'Ajar' }, definitionProvider: true, referencesProvider: true },
  register({ connection, documents, state }) {
    /** The main thread's navigation of a document, per version (small documents, or no worker). */
    const cache = new Map<string, { version: number; nav: NavigationResult; outline?: NavigationAnswer }>();
    documents.onDidClose((e) => cache.delete(e.document.uri));

    const ask = async (uri: string, query: NavigationQuery): Promise<NavigationAnswer> => {
      const doc = documents.get(uri);
      // a CDK app's source is synced for its synthesized findings (lsp/cdk.ts), not navigated as a template
      if (!doc || isCdkSourceName(fileNameOf(uri))) return null;
      const hit = cache.get(uri);
      if (hit && hit.version === doc.version)
        return query.what === 'outline'
          ? (hit.outline ??= answerNavigation(hit.nav, query))
          : answerNavigation(hit.nav, query);
      const worker = state.worker;
      if (worker?.navigate && doc.getText().length >= WORKER_THRESHOLD) {
        // A large document: the worker's analysis of this version, once it is there.
        const analysed = await analysedVersion(uri, doc.version);
        if (!analysed) return null; // a newer version came: the client asks again
        if (analysed.remote) {
          const r = await worker.navigate(uri, doc.version, query).catch(() => null);
          if (r) return r.answer;
        } else if (!analysed.result) return null; // nothing Ajar reads (not a template, or disabled)
      }
      const s = state.open.current(uri);
      const nav =
        s?.result?.template && s.version === doc.version
          ? navigationOf(s.result)
          : navigate(doc.getText(), fileNameOf(uri));
      // The most recently navigated documents only: a navigation holds its syntax tree.
      cache.delete(uri);
      cache.set(uri, { version: doc.version, nav });
      while (cache.size > NAVIGATIONS_KEPT) cache.delete(cache.keys().next().value as string);
      return answerNavigation(nav, query);
    };
    /** The open document's state once its analysis of `version` is published; undefined if the text moved on. */
    const analysedVersion = async (uri: string, version: number) => {
      const deadline = Date.now() + ANALYSIS_WAIT_MS;
      for (;;) {
        const s = state.open.peek(uri);
        if (s && s.version === version) return s;
        if (documents.get(uri)?.version !== version || Date.now() > deadline) return undefined;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const locations = (uri: string, a: NavigationAnswer): Location[] | null =>
      a ? (a as Range[]).map((range) => ({ uri, range })) : null;

    connection.onDocumentSymbol(
      async (params) => (await ask(params.textDocument.uri, { what: 'outline' })) as DocumentSymbol[] | null,
    );
    connection.onDefinition(async (params) =>
      locations(
        params.textDocument.uri,
        await ask(params.textDocument.uri, { what: 'definition', position: params.position }),
      ),
    );
    connection.onReferences(async (params) =>
      locations(
        params.textDocument.uri,
        await ask(params.textDocument.uri, {
          what: 'references',
          position: params.position,
          includeDeclaration: params.context.includeDeclaration,
        }),
      ),
    );
  },
};
