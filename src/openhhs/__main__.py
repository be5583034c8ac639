from openhhs.cli import main

main()
