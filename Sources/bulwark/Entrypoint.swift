import BulwarkCLI

@main
struct Entrypoint {
  static func main() async {
    await BulwarkCommand.main()
  }
}
