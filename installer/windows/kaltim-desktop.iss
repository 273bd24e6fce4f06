; SPDX-License-Identifier: GPL-3.0-or-later
; Inno Setup 6.3+ script of the Kaltim Desktop installer for Windows (x64).
;
; Build on Windows, from the repository:
;   uv run python installer/build.py             (the one-folder build and build\installer\version.iss)
;   iscc installer\windows\kaltim-desktop.iss    (writes build\installer\kaltim-desktop-<version>-setup.exe)
;
; An officer installs without administrator rights: everything goes to the user's own
; program folder, and the setup can run again over an older version (same AppId) to upgrade it.
;
; THE OFFICER'S DATA IS NEVER IN THE INSTALL FOLDER AND THE UNINSTALLER NEVER DELETES IT.
; The database, its backups, the keys and the logs live in the data directory chosen by
; platformdirs: %LOCALAPPDATA%\Kaltim\KaltimDesktop (kaltim_desktop/paths.py). The uninstaller
; removes only the files this script installed into {app}; there is deliberately no
; [UninstallDelete] entry and none may ever name the data directory. An upgrade replaces the
; program files only; the new version backs the database up and migrates it at its first start.

#define AppName "Kaltim Desktop"
#define AppExe "kaltim-desktop.exe"
#define AppCliExe "kaltim-desktop-cli.exe"
#define BuildDir AddBackslash(SourcePath) + "..\..\build\installer"

; build.py writes the package version (kaltim_desktop.__version__) here; iscc /DAppVersion=...
; overrides it.
#ifndef AppVersion
  #include BuildDir + "\version.iss"
#endif

; Indonesian is the officers' language, but Inno Setup ships Indonesian.isl among its
; unofficial translations only: put it into Inno Setup's Languages folder first (see README).
; Stop rather than build an installer without Bahasa Indonesia.
#if !FileExists(CompilerPath + "Languages\Indonesian.isl")
  #error Indonesian.isl is missing from Inno Setup's Languages folder (see README, Installer).
#endif

[Setup]
; Never change the AppId: it is what makes a newer setup upgrade the installed version in place.
AppId={{6B1F4C52-3E7A-4D8B-9C21-5A0E7F3D2B94}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Pemerintah Provinsi Kalimantan Timur
; Per-user install: no administrator rights, no UAC prompt, and no choice of an all-users mode.
PrivilegesRequired=lowest
; {userpf} is %LOCALAPPDATA%\Programs.
DefaultDirName={userpf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallMode=x64compatible
; Close a running Kaltim Desktop before its files are replaced (Windows Restart Manager).
CloseApplications=yes
RestartApplications=no
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
OutputDir={#BuildDir}
OutputBaseFilename=kaltim-desktop-{#AppVersion}-setup
ShowLanguageDialog=auto

[Languages]
; The first entry is the default when Windows' own language matches neither.
Name: "id"; MessagesFile: "compiler:Languages\Indonesian.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
id.RunSelfTest=Jalankan uji mandiri (memeriksa instalasi dengan data sementara)
en.RunSelfTest=Run the self-test (checks the installation on temporary data)

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; An upgrade first removes the previous version's program files, so that a library or module
; the new version no longer ships cannot be loaded by mistake. Only {app}\_internal: never the
; data directory, which is elsewhere.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BuildDir}\dist\kaltim-desktop\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{userdesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
; cmd /k keeps the console open, so the officer can read the result.
Filename: "{cmd}"; Parameters: "/k """"{app}\{#AppCliExe}"" --self-test"""; Description: "{cm:RunSelfTest}"; Flags: postinstall unchecked
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: postinstall nowait skipifsilent

; No [UninstallDelete] section, on purpose: see the note at the top.
