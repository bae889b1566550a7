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
  commands: [
    {
      id: ShowSynthesizedCommand,
      async run(args, { connection }) {
        const a = args[0];
        if (!isArgs(a)) return null;
        const r = await connection.window
          .showDocument({ uri: a.uri, selection: a.range, takeFocus: true })
          .catch(() => ({ success: false }));
        return r.success;
      },
    },
  ],
  register() {},
};
