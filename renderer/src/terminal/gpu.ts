/**
 * Whether WebGL here is drawn by the GPU. Without one (a VM, remote desktop, headless Chromium),
 * browsers fall back to a software rasteriser such as SwiftShader, where xterm.js's WebGL renderer is
 * several times slower than its DOM renderer (docs/renderer.md has the figures).
 */
export function hasHardwareWebgl(document: Document): boolean {
  const canvas = document.createElement('canvas');
  const gl = canvas.getContext('webgl2');
  if (!gl) return false;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return !SOFTWARE_RENDERERS.test(renderer);
}

const SOFTWARE_RENDERERS = /SwiftShader|llvmpipe|softpipe|Software Rasterizer|Microsoft Basic Render/i;
