export { closeFin as default } from './close-rst.mjs';
