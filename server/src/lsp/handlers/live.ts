/**
 * textDocument/codeLens: the live state of each template resource from the last audit (see
 * lsp/liveState.ts for why lenses and not diagnostics), refreshed (workspace/codeLens/refresh)
 * when an audit finishes, never while typing.
 */
import type { HandlerGroup } from './handler';

export const liveHandlers: HandlerGroup = {
  name: 'live state',
  capabilities: { codeLensProvider: { resolveProvider: false } },
  register({ connection, state }) {
    connection.onCodeLens((params) => {
      const s = state.open.current(params.textDocument.uri);
      return state.live.lenses(params.textDocument.uri, s?.result ?? null);
    });
    state.live.onChange(() => {
      // Clients without refresh support ask again on their own (on the next edit or focus).
      connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
    });
  },
};
