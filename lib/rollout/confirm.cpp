#include "rollout/confirm.hpp"

#include <fwplan/load_id.hpp>

#include <pugixml.hpp>

#include <cctype>
#include <curl/curl.h>
#include <mutex>

namespace fwplan::rollout {

namespace {

constexpr std::size_t kMaxPage = 64 * 1024;

bool dotted_ipv4(std::string_view ip) {
    int parts = 0;
    std::size_t digits = 0;
    for (char c : ip) {
        if (c == '.') {
            if (digits == 0)
                return false;
            ++parts;
            digits = 0;
        } else if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
            if (++digits > 3)
                return false;
        } else {
            return false;
        }
    }
    return parts == 3 && digits > 0;
}

std::size_t collect(char* data, std::size_t size, std::size_t count, void* user) {
    auto* page = static_cast<std::string*>(user);
    const std::size_t bytes = size * count;
    if (page->size() + bytes > kMaxPage)
        return 0; // too large: libcurl stops with CURLE_WRITE_ERROR
    page->append(data, bytes);
    return bytes;
}

std::string text_of(const pugi::xml_node& node, const char* name) {
    return node.child(name).child_value();
}

} // namespace

std::optional<std::string> running_load(std::string_view page) {
    pugi::xml_document doc;
    if (!doc.load_buffer(page.data(), page.size(), pugi::parse_default & ~pugi::parse_doctype))
        return std::nullopt;
    const pugi::xml_node info = doc.child("DeviceInformation");
    if (!info)
        return std::nullopt;
    for (const char* field : {"versionID", "appLoadID"}) {
        const std::string value = text_of(info, field);
        if (!value.empty() && value.size() < 64 && LoadId::parse(value))
            return value;
    }
    return std::nullopt;
}

PhoneWord ask_phone(const std::string& ip, std::chrono::milliseconds timeout) {
    PhoneWord word;
    if (!dotted_ipv4(ip)) {
        word.detail = "no IPv4 address is known for the phone";
        return word;
    }
    static std::once_flag global;
    std::call_once(global, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    CURL* curl = curl_easy_init();
    if (curl == nullptr) {
        word.detail = "cannot start an HTTP request";
        return word;
    }
    std::string page;
    const std::string url = "http://" + ip + "/DeviceInformationX";
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &page);
    const CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK) {
        word.detail = url + ": " + curl_easy_strerror(rc);
        return word;
    }
    if (status != 200) {
        word.detail = url + ": HTTP " + std::to_string(status);
        return word;
    }
    word.load = running_load(page);
    if (!word.load)
        word.detail = url + ": the page names no load (is it a Cisco phone's DeviceInformationX?)";
    return word;
}

} // namespace fwplan::rollout
