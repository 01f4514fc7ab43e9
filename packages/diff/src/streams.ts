// Release streams now live in core (the store's matrix filter needs them too); re-exported under the
// names this package has used.
export { releaseStream as streamOf, releaseStreamOf as streamOfText } from '@testlab/core';
