; Included by electron-builder's NSIS installer (electron-builder.config.mjs, nsis.include).
; Continuo opens MIDI files but does not take them over: it is added to the "Open with" list of
; .mid/.midi (OpenWithProgids) and the default handler stays whatever it was.

!macro continuoOpenWithMidi EXT
  WriteRegNone SHELL_CONTEXT "Software\Classes\.${EXT}\OpenWithProgids" "Continuo.MidiFile"
!macroend

!macro customInstall
  WriteRegStr SHELL_CONTEXT "Software\Classes\Continuo.MidiFile" "" "MIDI file"
  WriteRegStr SHELL_CONTEXT "Software\Classes\Continuo.MidiFile\DefaultIcon" "" "$appExe,0"
  WriteRegStr SHELL_CONTEXT "Software\Classes\Continuo.MidiFile\shell\open" "" "Open with Continuo"
  WriteRegStr SHELL_CONTEXT "Software\Classes\Continuo.MidiFile\shell\open\command" "" '"$appExe" "%1"'
  !insertmacro continuoOpenWithMidi "mid"
  !insertmacro continuoOpenWithMidi "midi"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, i 0, i 0)'
!macroend

!macro customUnInstall
  DeleteRegValue SHELL_CONTEXT "Software\Classes\.mid\OpenWithProgids" "Continuo.MidiFile"
  DeleteRegValue SHELL_CONTEXT "Software\Classes\.midi\OpenWithProgids" "Continuo.MidiFile"
  DeleteRegKey SHELL_CONTEXT "Software\Classes\Continuo.MidiFile"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, i 0, i 0)'
!macroend
