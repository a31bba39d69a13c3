; Included by electron-builder's NSIS installer (electron-builder.yml, nsis.include).
;
; Per-user installs only, as docs/desktop.md says: into %LOCALAPPDATA%\Programs, no administrator
; rights, and the keys' secrets in that user's Credential Manager. `perMachine: false` alone still
; shows the "Only for me / Anyone who uses this computer" page in an assisted installer
; (oneClick: false); electron-builder's multiUserUi.nsh calls this macro before that page and skips
; the page, installing for the current user, when $isForceCurrentInstall is "1".
!macro customInstallMode
  StrCpy $isForceCurrentInstall "1"
  StrCpy $isForceMachineInstall "0"
!macroend
