// Release streams live in core (the store's matrix filter needs them too); re-exported under the name
// this package has used.
export { releaseStream as streamOf } from '@testlab/core';
