// The About dialog's and the support bundle's procedures: answered on a desk (in front of its
// gate); elsewhere (the Kontor server's HTTP API, the CLI) they are not there, so an anonymous
// caller of a server learns nothing about it from them.
import { AppError } from '../../shared/errors';
import type { HandlersOf } from '../router';
import type { Support } from './support';

export function supportHandlers(
  support: Support | null,
): HandlersOf<'support'> & Pick<HandlersOf<'app'>, 'app.about' | 'app.licences'> {
  const here = (): Support => {
    if (!support) throw new AppError('not_found', 'only the desktop app answers this', { reason: 'desk_only' });
    return support;
  };
  return {
    'app.about': async () => here().about(),
    'app.licences': async () => here().licences(),
    'support.bundle': async () => here().bundle(),
  };
}
