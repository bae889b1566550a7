/**
 * CDK: `ajar.showSynthesizedResource` (the command of the "Show synthesized resource" action in an
 * app's source, and of "Show construct in ..." in cdk.out): the client is asked to show the
 * document at the range (`window/showDocument`), so any LSP client with that request can follow.
 */
import { ShowSynthesizedCommand, type ShowSynthesizedArgs } from '../protocol';
import type { HandlerGroup } from './handler';

function isArgs(v: unknown): v is ShowSynthesizedArgs {
  const a = v as ShowSynthesizedArgs | undefined;
  return (
    !!a &&
    typeof a.uri === 'string' &&
    a.uri.startsWith('file:') &&
    typeof a.range?.start?.line === 'number' &&
    typeof a.range?.end?.line === 'number'
  );
}

export const cdkHandlers: HandlerGroup = {
  name: 'cdk',
  capabilities: { executeCommandProvider: { commands: [ShowSynthesizedCommand] } },
  register({ connection }) {
    connection.onExecuteCommand(async (params) => {
      if (params.command !== ShowSynthesizedCommand) return null;
      const args = params.arguments?.[0];
      if (!isArgs(args)) return null;
      const r = await connection.window
        .showDocument({ uri: args.uri, selection: args.range, takeFocus: true })
        .catch(() => ({ success: false }));
      return r.success;
    });
  },
};
