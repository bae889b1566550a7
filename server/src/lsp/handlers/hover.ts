/** textDocument/hover: the rule behind a finding, from the document's current analysis. */
import { hoverFor } from '../hover';
import type { HandlerGroup } from './handler';

export const hoverHandlers: HandlerGroup = {
  name: 'hover',
  capabilities: { hoverProvider: true },
  register({ connection, state }) {
    connection.onHover((params) =>
      state.cdk.hoverFor(params.textDocument.uri, params.position, () => {
        const s = state.open.current(params.textDocument.uri);
        const analysis = s?.result ?? s?.remote;
        return analysis ? hoverFor(analysis, params.position) : null;
      }),
    );
  },
};
