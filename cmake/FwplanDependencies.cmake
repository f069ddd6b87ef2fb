# Every dependency comes from Debian 12's archive (tools/bootstrap.sh installs them);
# nothing is downloaded at configure time.
# libzip through pkg-config: Debian 12's libzip-config.cmake refuses to load unless the
# zipcmp/zipmerge/ziptool programs are installed, which a library user should not need.
find_package(PkgConfig REQUIRED)
pkg_check_modules(libzip REQUIRED IMPORTED_TARGET libzip>=1.7)
find_package(pugixml 1.11 REQUIRED)
find_package(fmt 9 REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(OpenSSL 3 REQUIRED COMPONENTS Crypto)
find_package(LibArchive 3 REQUIRED)
find_package(ZLIB 1.2 REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(Threads REQUIRED)
# fwplan rollout: its state is an SQLite database (WAL), and --confirm http asks phones over
# HTTP with libcurl.
find_package(SQLite3 3.34 REQUIRED)
find_package(CURL 7.74 REQUIRED)
if(FWPLAN_BUILD_CLI)
    find_package(CLI11 2 REQUIRED)
endif()
