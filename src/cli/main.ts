// vdisk command line entry point.
console.log('vdisk');
